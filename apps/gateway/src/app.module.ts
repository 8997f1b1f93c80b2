import { DynamicModule, Module } from '@nestjs/common';
import { MetricsController } from '@alphintra/platform-http';
import type { GatewayEnv } from './env';
import { AggregateHealthController } from './health/health.controller';
import { GATEWAY_ENV } from './tokens';

@Module({})
export class AppModule {
  static register(env: GatewayEnv): DynamicModule {
    return {
      module: AppModule,
      controllers: [AggregateHealthController, MetricsController],
      providers: [{ provide: GATEWAY_ENV, useValue: env }],
    };
  }
}
