import { ALWAYS_OPEN, US_REGULAR_HOURS } from './market-session';

const at = (iso: string) => Date.parse(iso);
const iso = (s: { open: number; close: number }) => [new Date(s.open).toISOString(), new Date(s.close).toISOString()];

describe('US regular hours, 09:30–16:00 New York on the XNYS calendar', () => {
  it('answers the session open at a time, in EST and in EDT', () => {
    expect(iso(US_REGULAR_HOURS.sessionFrom(at('2026-01-14T15:00:00Z')))).toEqual(['2026-01-14T14:30:00.000Z', '2026-01-14T21:00:00.000Z']);
    expect(iso(US_REGULAR_HOURS.sessionFrom(at('2026-07-14T15:00:00Z')))).toEqual(['2026-07-14T13:30:00.000Z', '2026-07-14T20:00:00.000Z']);
  });

  it('answers the next session before the open, after the close and over a weekend', () => {
    expect(iso(US_REGULAR_HOURS.sessionFrom(at('2026-01-14T12:00:00Z')))[0]).toBe('2026-01-14T14:30:00.000Z');
    expect(iso(US_REGULAR_HOURS.sessionFrom(at('2026-01-14T21:00:00Z')))[0]).toBe('2026-01-15T14:30:00.000Z');
    expect(iso(US_REGULAR_HOURS.sessionFrom(at('2026-01-23T22:00:00Z')))[0]).toBe('2026-01-26T14:30:00.000Z');
  });

  it('skips holidays and keeps early closes (the calendar\'s data)', () => {
    // Friday 16 January 2026, then Monday 19 January is Martin Luther King, Jr. Day
    expect(iso(US_REGULAR_HOURS.sessionFrom(at('2026-01-16T22:00:00Z')))[0]).toBe('2026-01-20T14:30:00.000Z');
    // the day after Thanksgiving closes at 13:00 New York
    expect(iso(US_REGULAR_HOURS.sessionFrom(at('2026-11-27T15:00:00Z')))).toEqual(['2026-11-27T14:30:00.000Z', '2026-11-27T18:00:00.000Z']);
  });

  it('keeps weekday hours beyond the years the calendar holds', () => {
    expect(iso(US_REGULAR_HOURS.sessionFrom(at('2028-01-14T15:00:00Z')))).toEqual(['2028-01-14T14:30:00.000Z', '2028-01-14T21:00:00.000Z']);
    expect(iso(US_REGULAR_HOURS.sessionFrom(at('2027-12-31T22:00:00Z')))[0]).toBe('2028-01-03T14:30:00.000Z');
  });

  it('follows the DST change: the Monday after it opens at 13:30 UTC', () => {
    expect(iso(US_REGULAR_HOURS.sessionFrom(at('2026-03-07T12:00:00Z')))).toEqual(['2026-03-09T13:30:00.000Z', '2026-03-09T20:00:00.000Z']);
  });

  it('always open never closes', () => {
    expect(ALWAYS_OPEN.sessionFrom(0)).toEqual({ open: -Infinity, close: Infinity });
  });
});
