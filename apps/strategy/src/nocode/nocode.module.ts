import { Module } from '@nestjs/common';
import { PLATFORM } from '@alphintra/platform-http';
import { ServiceClient } from '@alphintra/strategy-client';
import type { StrategyEnv } from '../env';
import { NocodeExecutions } from './nocode-executions';

@Module({
  providers: [
    {
      provide: NocodeExecutions,
      inject: [PLATFORM],
      useFactory: ({ env }: { env: StrategyEnv }) => new NocodeExecutions(new ServiceClient({ service: 'nocode', url: env.NOCODE_URL, timeoutMs: env.NOCODE_TIMEOUT_MS })),
    },
  ],
  exports: [NocodeExecutions],
})
export class NocodeModule {}
