import { nextClose, OutsideCalendarError } from '@alphintra/market-calendar';

/**
 * When a DAY order expires: the close of the XNYS session in progress when it is placed, or of
 * the next one (holidays skipped, early closes kept). Beyond the years the calendar holds, the
 * rule falls back to weekdays at `fallbackCloseUtc` rather than refusing every DAY order.
 */
export function dayOrderExpiry(placedAt: Date, fallbackCloseUtc: { hour: number; minute: number }): Date {
  try {
    return nextClose(placedAt);
  } catch (e) {
    if (!(e instanceof OutsideCalendarError)) throw e;
  }
  const close = new Date(Date.UTC(placedAt.getUTCFullYear(), placedAt.getUTCMonth(), placedAt.getUTCDate(), fallbackCloseUtc.hour, fallbackCloseUtc.minute));
  if (close.getTime() <= placedAt.getTime()) close.setUTCDate(close.getUTCDate() + 1);
  while (close.getUTCDay() === 0 || close.getUTCDay() === 6) close.setUTCDate(close.getUTCDate() + 1);
  return close;
}
