import { Module } from '@nestjs/common';
import { StrategyModule } from '../strategy/strategy.module';
import { WorkflowsModule } from '../workflows/workflows.module';
import { ExecutionsConsumer } from './executions.consumer';
import { ExecutionsController } from './executions.controller';
import { ExecutionsService } from './executions.service';

@Module({ imports: [WorkflowsModule, StrategyModule], controllers: [ExecutionsController], providers: [ExecutionsService, ExecutionsConsumer] })
export class ExecutionsModule {}
