import { z } from 'zod';
import { decimalString } from '@alphintra/contracts';
import { authEnv } from '@alphintra/platform-auth';
import { loadServiceEnv } from '@alphintra/platform-http';

const positiveDecimal = decimalString.refine((v) => !v.startsWith('-') && !/^0(\.0+)?$/.test(v), 'must be a positive decimal string');

/** The limits of an account that has no `risk_limit` row of its own. */
export const riskDefaultsEnv = {
  RISK_DEFAULT_MAX_ORDER_NOTIONAL: positiveDecimal.default('100000'),
  RISK_DEFAULT_MAX_POSITION_NOTIONAL: positiveDecimal.default('500000'),
  RISK_DEFAULT_MAX_OPEN_ORDERS: z.coerce.number().int().min(1).max(1_000_000).default(50),
  RISK_DEFAULT_MAX_ORDERS_PER_DAY: z.coerce.number().int().min(1).max(1_000_000).default(500),
  /** Comma-separated: `buy,sell`. */
  RISK_DEFAULT_ALLOWED_SIDES: z
    .string()
    .default('buy,sell')
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(z.enum(['buy', 'sell'])).min(1)),
};

/** The platform's caps on any one order, checked besides (never instead of) an account's own limits. */
export const riskCapsEnv = {
  RISK_MAX_ORDER_QUANTITY: positiveDecimal.default('1000000'),
  RISK_MAX_ORDER_NOTIONAL: positiveDecimal.default('10000000'),
};

export const loadEnv = (source: NodeJS.ProcessEnv = process.env) => loadServiceEnv('risk', 3005, { ...authEnv.shape, ...riskDefaultsEnv, ...riskCapsEnv }, source);
export type RiskEnv = ReturnType<typeof loadEnv>;
