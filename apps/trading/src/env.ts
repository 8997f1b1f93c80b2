import { z } from 'zod';
import { authEnv } from '@alphintra/platform-auth';
import { loadServiceEnv } from '@alphintra/platform-http';

export const tradingEnv = {
  /** Extra buying power a market buy reserves above the last price, in basis points (100 = 1%). */
  TRADING_MARKET_ORDER_BUFFER_BPS: z.coerce.number().int().min(0).max(10_000).default(100),
};

export const loadEnv = (source: NodeJS.ProcessEnv = process.env) => loadServiceEnv('trading', 3004, { ...authEnv.shape, ...tradingEnv }, source);
export type TradingEnv = ReturnType<typeof loadEnv>;
