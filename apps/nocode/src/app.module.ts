import { Module } from '@nestjs/common';
import type { ServiceSpec } from '@alphintra/platform-http';
import { AuthModule } from '@alphintra/platform-auth';
import { entities } from './entities';
import { ExecutionsConsumer } from './executions/executions.consumer';
import { ExecutionsModule } from './executions/executions.module';
import { migrations } from './migrations';
import { WorkflowsModule } from './workflows/workflows.module';

export const spec: ServiceSpec = { service: 'nocode', entities, migrations, consumers: [ExecutionsConsumer] };

@Module({ imports: [AuthModule.fromServiceEnv(), WorkflowsModule, ExecutionsModule] })
export class AppModule {}
