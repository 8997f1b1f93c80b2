import { dayOrderExpiry } from './day-session';

const at = (iso: string) => dayOrderExpiry(new Date(iso), { hour: 20, minute: 0 }).toISOString();

describe('a DAY order’s expiry', () => {
  it('is the close of the session it is placed in (16:00 New York)', () => {
    expect(at('2026-12-07T14:30:00Z')).toBe('2026-12-07T21:00:00.000Z'); // a Monday in winter time
    expect(at('2026-07-07T14:30:00Z')).toBe('2026-07-07T20:00:00.000Z'); // summer time
  });
  it('is the next session’s close when placed at or after a close, over weekends and holidays', () => {
    expect(at('2026-12-07T21:00:00Z')).toBe('2026-12-08T21:00:00.000Z');
    expect(at('2026-12-11T22:00:00Z')).toBe('2026-12-14T21:00:00.000Z'); // Friday evening → Monday
    expect(at('2026-12-12T10:00:00Z')).toBe('2026-12-14T21:00:00.000Z'); // Saturday
    expect(at('2026-12-24T19:00:00Z')).toBe('2026-12-28T21:00:00.000Z'); // after the early close; Christmas is a holiday
  });
  it('keeps an early close', () => {
    expect(at('2026-12-24T15:00:00Z')).toBe('2026-12-24T18:00:00.000Z'); // 13:00 New York
  });
  it('falls back to weekdays at the configured UTC close beyond the calendar’s years', () => {
    expect(at('2028-03-01T10:00:00Z')).toBe('2028-03-01T20:00:00.000Z');
    expect(at('2028-03-03T21:00:00Z')).toBe('2028-03-06T20:00:00.000Z'); // Friday after the close → Monday
  });
});
