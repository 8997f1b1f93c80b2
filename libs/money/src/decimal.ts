import Decimal from 'decimal.js';

/** Money, prices and quantities: arbitrary-precision decimals, never binary floats. */
export const Dec = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_EVEN, toExpNeg: -30, toExpPos: 40 });
export type Dec = Decimal;

const DECIMAL_STRING = /^-?(0|[1-9]\d*)(\.\d+)?$/;

export class InvalidDecimalError extends Error {
  override name = 'InvalidDecimalError';
}

/** Parses a decimal string as it arrives in JSON (`"101.25"`); numbers are refused. */
export function parseDecimal(value: unknown): Dec {
  if (typeof value !== 'string' || !DECIMAL_STRING.test(value)) throw new InvalidDecimalError(`"${String(value)}" is not a decimal string`);
  return new Dec(value);
}

export const isDecimalString = (value: unknown): value is string => typeof value === 'string' && DECIMAL_STRING.test(value);

/** The canonical wire form: plain notation, trailing zeros trimmed, at most `scale` places. */
export function formatDecimal(d: Dec, scale = 8): string {
  return d.toDecimalPlaces(scale, Decimal.ROUND_HALF_EVEN).toFixed();
}
