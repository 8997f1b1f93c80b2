import { Module } from '@nestjs/common';
import type { ServiceSpec } from '@alphintra/platform-http';
import { AuthModule } from '@alphintra/platform-auth';
import { ExecutionConsumer } from './execution/execution.consumer';
import { ExecutionModule } from './execution/execution.module';
import { migrations } from './migrations';
import { ReconciliationConsumer } from './reconciliation/reconciliation.consumer';
import { ReconciliationModule } from './reconciliation/reconciliation.module';

export const spec: ServiceSpec = { service: 'broker', entities: [], migrations, consumers: [ExecutionConsumer, ReconciliationConsumer] };

@Module({ imports: [AuthModule.fromServiceEnv(), ExecutionModule, ReconciliationModule] })
export class AppModule {}
