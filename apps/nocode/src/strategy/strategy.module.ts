import { Module } from '@nestjs/common';
import { PLATFORM } from '@alphintra/platform-http';
import type { NocodeEnv } from '../env';
import { StrategyClient } from '@alphintra/strategy-client';

@Module({
  providers: [
    {
      provide: StrategyClient,
      inject: [PLATFORM],
      useFactory: ({ env }: { env: NocodeEnv }) => new StrategyClient({ url: env.STRATEGY_URL, timeoutMs: env.STRATEGY_TIMEOUT_MS }),
    },
  ],
  exports: [StrategyClient],
})
export class StrategyModule {}
