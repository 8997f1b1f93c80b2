import { z } from 'zod';
import { decimalString } from '@alphintra/contracts';
import { authEnv } from '@alphintra/platform-auth';
import { loadServiceEnv } from '@alphintra/platform-http';

/** `openssl rand -base64 32`: the Ed25519 seed the order record's checkpoints are signed with. */
const ed25519Seed = z
  .string()
  .regex(/^[A-Za-z0-9+/]{43}=?$/, 'must be the base64 of exactly 32 bytes (openssl rand -base64 32)')
  .transform((v) => Buffer.from(v, 'base64'));
const publicKeys = z
  .string()
  .regex(/^([A-Za-z0-9+/]{43}=?)(,[A-Za-z0-9+/]{43}=?)*$/, 'must be base64 Ed25519 public keys (32 bytes each), separated by commas')
  .transform((v) => v.split(','));

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
  /** How often the equity sweep looks for a new minute (and a new XNYS close) to write points for (ADR 0037); 0: never (a test drives it). */
  TRADING_EQUITY_SWEEP_MS: z.coerce.number().int().min(0).max(60_000).default(5_000),
  /** How far back a sweep looks for changes beyond the minute before (a price or a fill stamped a little late). */
  TRADING_EQUITY_LOOKBACK_SECONDS: z.coerce.number().int().min(0).max(3_600).default(120),
  /** How long 1-minute equity points are kept; daily points are kept forever. */
  TRADING_EQUITY_MINUTE_RETENTION_DAYS: z.coerce.number().int().min(1).max(366).default(32),
  /** The order record's checkpoint key (ADR 0033); its public key is published at /compliance/orders/public-key. */
  TRADING_ORDER_RECORD_SIGNING_KEY: ed25519Seed,
  /** Only after a key change: the public keys of the keys before it, so their checkpoints still verify. */
  TRADING_ORDER_RECORD_PREVIOUS_PUBLIC_KEYS: publicKeys.optional(),
  /** A signed checkpoint once this many entries followed the last one… */
  TRADING_ORDER_RECORD_CHECKPOINT_ENTRIES: z.coerce.number().int().min(1).max(1_000_000).default(1000),
  /** …and at least this often while entries follow it. */
  TRADING_ORDER_RECORD_CHECKPOINT_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
};

export const loadEnv = (source: NodeJS.ProcessEnv = process.env) => loadServiceEnv('trading', 3004, { ...authEnv.shape, ...tradingEnv }, source);
export type TradingEnv = ReturnType<typeof loadEnv>;
