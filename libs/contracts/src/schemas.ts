import { z } from 'zod';

/** A whole number of shares as a string (quote and bar sizes; 0 means none or unknown). */
export const wholeShares = z.string().regex(/^(0|[1-9]\d{0,17})$/, 'must be a whole number of shares');
/** Money, prices and quantities travel as decimal strings: `"101.25"`. */
export const decimalString = z.string().regex(/^-?(0|[1-9]\d*)(\.\d+)?$/, 'must be a decimal string such as "101.25"');
export const symbol = z.string().regex(/^[A-Z][A-Z0-9.-]{0,14}$/, 'must be an upper-case ticker such as "AAPL"');
export const isoTime = z.iso.datetime({ offset: true });
export const ROLES = ['trader', 'compliance', 'admin'] as const;
export const role = z.enum(ROLES);
export type Role = z.infer<typeof role>;
