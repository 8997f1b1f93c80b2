/**
 * When a DAY order expires: the close of the session it is placed in, or of the next one when
 * placed after the close. Until the exchange calendar exists (the order-model issue), a session
 * is a weekday closing at TRADING_SESSION_CLOSE_UTC (20:00 UTC, the NYSE close in summer time);
 * holidays and early closes are not known here.
 */
export function dayOrderExpiry(placedAt: Date, closeUtc: { hour: number; minute: number }): Date {
  const close = new Date(Date.UTC(placedAt.getUTCFullYear(), placedAt.getUTCMonth(), placedAt.getUTCDate(), closeUtc.hour, closeUtc.minute));
  if (close.getTime() <= placedAt.getTime()) close.setUTCDate(close.getUTCDate() + 1);
  while (close.getUTCDay() === 0 || close.getUTCDay() === 6) close.setUTCDate(close.getUTCDate() + 1);
  return close;
}
