import { z } from 'zod';
import { decimalString } from '@alphintra/contracts';
import { ConfigError } from '@alphintra/platform-config';
import { authEnv } from '@alphintra/platform-auth';
import { loadServiceEnv } from '@alphintra/platform-http';

/** `openssl rand -base64 32`: a key-encryption key that wraps the connections' data keys. */
const keyEncryptionKey = z
  .string()
  .regex(/^[A-Za-z0-9+/]{43}=?$/, 'must be the base64 of exactly 32 bytes (openssl rand -base64 32)')
  .transform((v) => Buffer.from(v, 'base64'));
const kekId = z.string().regex(/^[\w.-]{1,64}$/, 'must be 1-64 letters, digits, ".", "_" or "-"');

export const brokerEnv = {
  BROKER_KEK: keyEncryptionKey,
  BROKER_KEK_ID: kekId.default('kek-1'),
  /** Only while rotating: the key the stored data keys are still wrapped under. */
  BROKER_KEK_PREVIOUS: keyEncryptionKey.optional(),
  BROKER_KEK_PREVIOUS_ID: kekId.optional(),
  BROKER_DEFAULT_SLIPPAGE_BPS: z.coerce.number().int().min(0).max(10_000).default(5),
  /** No slippage setting, stored or configured, makes the paper venue fill further from the market than this. */
  BROKER_MAX_SLIPPAGE_BPS: z.coerce.number().int().min(0).max(10_000).default(500),
  BROKER_PAPER_MAX_FILL_QUANTITY: decimalString.refine((v) => !v.startsWith('-') && !/^0(\.0+)?$/.test(v), 'must be a positive decimal string').default('1000'),
  /** Reports per order per message: the last one takes whatever the chunks of BROKER_PAPER_MAX_FILL_QUANTITY left. */
  BROKER_PAPER_MAX_FILLS_PER_EVENT: z.coerce.number().int().min(1).max(1000).default(10),
  /** A market order reaching the broker later than this after trading routed it is cancelled, not filled at a later price. */
  BROKER_MARKET_ORDER_MAX_AGE_SECONDS: z.coerce.number().int().min(1).max(86_400).default(30),
  /**
   * When the paper venue fills: `regular` — XNYS regular sessions only (holidays and early closes
   * from the exchange calendar; orders arriving outside rest until a price in session), `always` —
   * at any hour (demos at night, with the simulated feed's MARKET_FEED_ALWAYS_OPEN).
   */
  BROKER_PAPER_HOURS: z.enum(['regular', 'always']).default('regular'),
  /** Partial fills by the quote size: one price fills at most the size on the order's side of the book. */
  BROKER_PAPER_FILL_BY_QUOTE_SIZE: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
};

export const loadEnv = (source: NodeJS.ProcessEnv = process.env) => {
  const env = loadServiceEnv('broker', 3006, { ...authEnv.shape, ...brokerEnv }, source);
  if (env.BROKER_DEFAULT_SLIPPAGE_BPS > env.BROKER_MAX_SLIPPAGE_BPS) {
    throw new ConfigError([{ variable: 'BROKER_DEFAULT_SLIPPAGE_BPS', message: `must be at most BROKER_MAX_SLIPPAGE_BPS (${env.BROKER_MAX_SLIPPAGE_BPS})` }]);
  }
  return env;
};
export type BrokerEnv = ReturnType<typeof loadEnv>;
