import { z } from 'zod';
import { defineEvent } from '../event-contract';
import { decimalString, isoTime } from '../schemas';
import { TOPICS } from '../topics';

export const BacktestCompleted = defineEvent({
  type: 'strategy.backtest.completed',
  version: 1,
  topic: TOPICS.strategyBacktest,
  schema: z.object({
    backtestId: z.uuid(),
    strategyId: z.uuid(),
    userId: z.uuid(),
    /** Set when the backtest was requested for a no-code workflow run. */
    executionId: z.uuid().nullable(),
    totalReturn: decimalString,
    sharpe: decimalString.nullable(),
    maxDrawdown: decimalString,
    trades: z.number().int().nonnegative(),
    completedAt: isoTime,
  }),
});

export const BacktestFailed = defineEvent({
  type: 'strategy.backtest.failed',
  version: 1,
  topic: TOPICS.strategyBacktest,
  schema: z.object({ backtestId: z.uuid(), strategyId: z.uuid(), userId: z.uuid(), executionId: z.uuid().nullable(), reason: z.string(), failedAt: isoTime }),
});
