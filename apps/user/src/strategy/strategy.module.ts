import { Module } from '@nestjs/common';
import { PLATFORM } from '@alphintra/platform-http';
import type { UserEnv } from '../env';
import { StrategyClient } from '@alphintra/strategy-client';

@Module({
  providers: [
    {
      provide: StrategyClient,
      inject: [PLATFORM],
      useFactory: ({ env }: { env: UserEnv }) => new StrategyClient({ url: env.STRATEGY_URL, timeoutMs: env.STRATEGY_TIMEOUT_MS }),
    },
  ],
  exports: [StrategyClient],
})
export class StrategyModule {}
