import { dayOrderExpiry } from './day-session';

const at = (iso: string) => dayOrderExpiry(new Date(iso), { hour: 20, minute: 0 }).toISOString();

describe('a DAY order’s expiry', () => {
  it('is the same day’s close when placed before it', () => {
    expect(at('2026-12-07T14:30:00Z')).toBe('2026-12-07T20:00:00.000Z'); // a Monday
  });
  it('is the next weekday’s close when placed at or after it', () => {
    expect(at('2026-12-07T20:00:00Z')).toBe('2026-12-08T20:00:00.000Z');
    expect(at('2026-12-11T21:00:00Z')).toBe('2026-12-14T20:00:00.000Z'); // Friday evening → Monday
  });
  it('skips the weekend when placed on it', () => {
    expect(at('2026-12-12T10:00:00Z')).toBe('2026-12-14T20:00:00.000Z'); // Saturday
    expect(at('2026-12-13T23:59:00Z')).toBe('2026-12-14T20:00:00.000Z'); // Sunday
  });
});
