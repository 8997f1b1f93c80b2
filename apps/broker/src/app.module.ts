import { Module } from '@nestjs/common';
import type { ServiceSpec } from '@alphintra/platform-http';
import { AuthModule } from '@alphintra/platform-auth';
import { ExecutionConsumer } from './execution/execution.consumer';
import { ExecutionModule } from './execution/execution.module';
import { migrations } from './migrations';

export const spec: ServiceSpec = { service: 'broker', entities: [], migrations, consumers: [ExecutionConsumer] };

@Module({ imports: [AuthModule.fromServiceEnv(), ExecutionModule] })
export class AppModule {}
