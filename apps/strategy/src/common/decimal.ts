import { decimalString } from '@alphintra/contracts';
import { Dec, formatDecimal, isDecimalString } from '@alphintra/money';

/** NUMERIC columns come back as strings with their scale's trailing zeros; the wire form trims them. */
export const wireDecimal = (v: string | null | undefined, scale = 6): string | null => (v === null || v === undefined ? null : formatDecimal(new Dec(v), scale));

/**
 * A decimal string that fits a NUMERIC(precision, scale) column without rounding or overflow.
 * zod runs refinements after a failed regex too; a malformed value has been reported already.
 */
export const columnDecimal = (precision: number, scale: number, o: { min?: 'positive' | 'non-negative' } = {}) =>
  decimalString
    .refine((v) => (v.split('.')[1]?.length ?? 0) <= scale, `must have at most ${scale} decimal places`)
    .refine((v) => v.replace(/^-/, '').split('.')[0]!.length <= precision - scale, `must be below 10^${precision - scale}`)
    .refine((v) => o.min !== 'positive' || !isDecimalString(v) || new Dec(v).gt(0), 'must be greater than 0')
    .refine((v) => o.min !== 'non-negative' || !isDecimalString(v) || !new Dec(v).isNeg(), 'must not be negative');
