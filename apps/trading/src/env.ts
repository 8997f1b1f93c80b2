import { z } from 'zod';
import { decimalString } from '@alphintra/contracts';
import { authEnv } from '@alphintra/platform-auth';
import { loadServiceEnv } from '@alphintra/platform-http';

const positiveDecimal = decimalString.refine((v) => !v.startsWith('-') && !/^0(\.0+)?$/.test(v), 'must be a positive decimal string');

export const tradingEnv = {
  /** A market order's protection around the last price, in basis points (100 = 1%): a buy reserves and may pay up to last × (1 + it), a sell accepts down to last × (1 − it). */
  TRADING_MARKET_ORDER_BUFFER_BPS: z.coerce.number().int().min(0).max(5_000).default(100),
  /** Platform caps per order, whatever an account's own risk limits say. */
  TRADING_MAX_ORDER_QUANTITY: positiveDecimal.default('1000000'),
  TRADING_MAX_ORDER_NOTIONAL: positiveDecimal.default('10000000'),
  /** When DAY orders expire beyond the years the XNYS calendar holds: HH:MM in UTC, on weekdays. */
  TRADING_SESSION_CLOSE_UTC: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (UTC)')
    .default('20:00')
    .transform((v) => ({ hour: Number(v.slice(0, 2)), minute: Number(v.slice(3)) })),
  /** A market order risk approves later than this after its submission expires instead of filling at a later price (Kafka away, say). */
  TRADING_MARKET_ORDER_MAX_AGE_SECONDS: z.coerce.number().int().min(1).max(86_400).default(30),
  /** How often due DAY orders are expired. */
  TRADING_EXPIRY_SWEEP_MS: z.coerce.number().int().min(100).max(3_600_000).default(5_000),
};

export const loadEnv = (source: NodeJS.ProcessEnv = process.env) => loadServiceEnv('trading', 3004, { ...authEnv.shape, ...tradingEnv }, source);
export type TradingEnv = ReturnType<typeof loadEnv>;
