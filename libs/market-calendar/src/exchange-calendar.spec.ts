import fc from 'fast-check';
import { CALENDAR_COVERS, newYorkOffset, nextClose, nextOpen, OutsideCalendarError, sessionAt, sessionsBetween } from './exchange-calendar';

const utc = (iso: string) => new Date(iso);
const dates = (from: string, to: string) => sessionsBetween(from, to).map((s) => s.date);

/** Every weekday of the year minus the listed closures (NYSE's published calendars). */
function weekdays(year: number): string[] {
  const out: string[] = [];
  for (let d = new Date(Date.UTC(year, 0, 1)); d.getUTCFullYear() === year; d.setUTCDate(d.getUTCDate() + 1)) {
    if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6) out.push(d.toISOString().slice(0, 10));
  }
  return out;
}

const PUBLISHED: Record<number, { holidays: string[]; earlyCloses: string[] }> = {
  2025: {
    holidays: [
      '2025-01-01', // New Year's Day
      '2025-01-09', // National Day of Mourning for President Carter
      '2025-01-20', // Martin Luther King, Jr. Day
      '2025-02-17', // Washington's Birthday
      '2025-04-18', // Good Friday
      '2025-05-26', // Memorial Day
      '2025-06-19', // Juneteenth
      '2025-07-04', // Independence Day
      '2025-09-01', // Labor Day
      '2025-11-27', // Thanksgiving Day
      '2025-12-25', // Christmas Day
    ],
    earlyCloses: ['2025-07-03', '2025-11-28', '2025-12-24'],
  },
  2026: {
    holidays: [
      '2026-01-01', // New Year's Day
      '2026-01-19', // Martin Luther King, Jr. Day
      '2026-02-16', // Washington's Birthday
      '2026-04-03', // Good Friday
      '2026-05-25', // Memorial Day
      '2026-06-19', // Juneteenth
      '2026-07-03', // Independence Day (observed; July 4 is a Saturday)
      '2026-09-07', // Labor Day
      '2026-11-26', // Thanksgiving Day
      '2026-12-25', // Christmas Day
    ],
    earlyCloses: ['2026-11-27', '2026-12-24'],
  },
  2027: {
    holidays: [
      '2027-01-01', // New Year's Day
      '2027-01-18', // Martin Luther King, Jr. Day
      '2027-02-15', // Washington's Birthday
      '2027-03-26', // Good Friday
      '2027-05-31', // Memorial Day
      '2027-06-18', // Juneteenth (observed; June 19 is a Saturday)
      '2027-07-05', // Independence Day (observed; July 4 is a Sunday)
      '2027-09-06', // Labor Day
      '2027-11-25', // Thanksgiving Day
      '2027-12-24', // Christmas Day (observed; December 25 is a Saturday)
    ],
    earlyCloses: ['2027-11-26'],
  },
};

describe('the XNYS calendar', () => {
  describe.each(Object.entries(PUBLISHED))('%s as NYSE publishes it', (year, published) => {
    const sessions = sessionsBetween(`${year}-01-01`, `${year}-12-31`);

    it('trades every weekday but the holidays', () => {
      expect(sessions.map((s) => s.date)).toEqual(weekdays(Number(year)).filter((d) => !published.holidays.includes(d)));
    });
    it('closes at 13:00 exactly on the early closes, else at 16:00, and opens at 09:30', () => {
      expect(sessions.filter((s) => s.earlyClose).map((s) => s.date)).toEqual(published.earlyCloses);
      for (const s of sessions) {
        expect(s.open.slice(11, 19)).toBe('09:30:00');
        expect(s.close.slice(11, 19)).toBe(s.earlyClose ? '13:00:00' : '16:00:00');
      }
    });
  });

  it('counts the sessions of each year', () => {
    expect(sessionsBetween('2025-01-01', '2025-12-31')).toHaveLength(250);
    expect(sessionsBetween('2026-01-01', '2026-12-31')).toHaveLength(251);
    expect(sessionsBetween('2027-01-01', '2027-12-31')).toHaveLength(251);
  });

  it('trades on 31 December 2027: New Year 2028 falls on a Saturday and is not observed on the Friday', () => {
    expect(dates('2027-12-30', '2027-12-31')).toEqual(['2027-12-30', '2027-12-31']);
  });

  it('gives sessions in UTC across the daylight-saving changes', () => {
    // 2026: EDT from 8 March to 1 November.
    expect(sessionsBetween('2026-03-06', '2026-03-09').map((s) => [s.open, s.openUtc.toISOString(), s.closeUtc.toISOString()])).toEqual([
      ['2026-03-06T09:30:00-05:00', '2026-03-06T14:30:00.000Z', '2026-03-06T21:00:00.000Z'],
      ['2026-03-09T09:30:00-04:00', '2026-03-09T13:30:00.000Z', '2026-03-09T20:00:00.000Z'],
    ]);
    expect(sessionsBetween('2026-10-30', '2026-11-02').map((s) => [s.close, s.closeUtc.toISOString()])).toEqual([
      ['2026-10-30T16:00:00-04:00', '2026-10-30T20:00:00.000Z'],
      ['2026-11-02T16:00:00-05:00', '2026-11-02T21:00:00.000Z'],
    ]);
    expect(sessionsBetween('2025-11-28', '2025-11-28')[0]).toEqual({
      date: '2025-11-28',
      open: '2025-11-28T09:30:00-05:00',
      close: '2025-11-28T13:00:00-05:00',
      openUtc: utc('2025-11-28T14:30:00Z'),
      closeUtc: utc('2025-11-28T18:00:00Z'),
      earlyClose: true,
    });
    expect(sessionsBetween('2025-07-03', '2025-07-03')[0]!.closeUtc).toEqual(utc('2025-07-03T17:00:00Z'));
  });

  it('switches to daylight time on the published Sundays of 2025, 2026 and 2027', () => {
    for (const [start, end] of [
      ['2025-03-09', '2025-11-02'],
      ['2026-03-08', '2026-11-01'],
      ['2027-03-14', '2027-11-07'],
    ] as const) {
      const before = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
      expect([newYorkOffset(before(start)), newYorkOffset(start), newYorkOffset(before(end)), newYorkOffset(end)]).toEqual([-5, -4, -4, -5]);
    }
  });

  it('agrees with the platform time-zone database on every session', () => {
    const ny = new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
    const local = (d: Date) => {
      const p = Object.fromEntries(ny.formatToParts(d).map((x) => [x.type, x.value]));
      return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
    };
    for (const s of sessionsBetween('2025-01-01', '2027-12-31')) {
      expect(local(s.openUtc)).toBe(`${s.date} 09:30`);
      expect(local(s.closeUtc)).toBe(`${s.date} ${s.earlyClose ? '13:00' : '16:00'}`);
    }
  });

  describe('sessionAt, nextOpen and nextClose', () => {
    it('answers for an instant in a session, before it, after it, on a holiday and over a weekend', () => {
      expect(sessionAt(utc('2026-12-07T16:00:00Z'))?.date).toBe('2026-12-07');
      expect(sessionAt(utc('2026-12-07T14:30:00Z'))?.date).toBe('2026-12-07'); // the open itself
      expect(sessionAt(utc('2026-12-07T21:00:00Z'))).toBeNull(); // the close itself
      expect(sessionAt(utc('2026-12-07T14:29:59.999Z'))).toBeNull();
      expect(nextOpen(utc('2026-12-07T16:00:00Z'))).toEqual(utc('2026-12-08T14:30:00Z'));
      expect(nextClose(utc('2026-12-07T16:00:00Z'))).toEqual(utc('2026-12-07T21:00:00Z'));
      expect(nextClose(utc('2026-12-07T21:00:00Z'))).toEqual(utc('2026-12-08T21:00:00Z'));
      // Thursday 24 Dec 2026 closes at 13:00 EST; Friday is Christmas; the weekend follows.
      expect(nextClose(utc('2026-12-24T15:00:00Z'))).toEqual(utc('2026-12-24T18:00:00Z'));
      expect(nextOpen(utc('2026-12-24T15:00:00Z'))).toEqual(utc('2026-12-28T14:30:00Z'));
      expect(sessionAt(utc('2026-12-25T16:00:00Z'))).toBeNull();
      // Good Friday 2027 and the Monday after.
      expect(nextOpen(utc('2027-03-25T20:00:00Z'))).toEqual(utc('2027-03-29T13:30:00Z'));
    });

    it('refuses instants outside 2025–2027 with OutsideCalendarError (trading answers it as 422 CALENDAR.OUT_OF_RANGE) rather than guessing', () => {
      for (const t of ['2024-12-31T12:00:00Z', '2025-01-01T04:59:59.999Z', '2028-01-01T05:00:00Z', '2030-06-01T00:00:00Z']) {
        expect(() => sessionAt(utc(t))).toThrow(OutsideCalendarError);
        expect(() => nextOpen(utc(t))).toThrow(OutsideCalendarError);
      }
      expect(() => sessionAt(new Date(Number.NaN))).toThrow(OutsideCalendarError);
      // After the last close of the data there is no next open or close to give.
      expect(() => nextOpen(utc('2027-12-31T15:00:00Z'))).toThrow(OutsideCalendarError);
      expect(nextClose(utc('2027-12-31T15:00:00Z'))).toEqual(utc('2027-12-31T21:00:00Z'));
      expect(() => nextClose(utc('2027-12-31T21:00:00Z'))).toThrow(OutsideCalendarError);
      expect(() => sessionsBetween('2024-12-31', '2025-01-10')).toThrow(expect.objectContaining({ name: 'OutsideCalendarError', path: 'from' }));
      expect(() => sessionsBetween('2027-12-01', '2028-01-03')).toThrow(expect.objectContaining({ name: 'OutsideCalendarError', path: 'to' }));
      expect(CALENDAR_COVERS.from).toEqual(utc('2025-01-01T05:00:00Z'));
    });

    const instant = fc.date({ min: CALENDAR_COVERS.from, max: new Date('2027-12-30T00:00:00Z'), noInvalidDate: true });

    it('property: the next open and close follow t, and no session boundary lies between t and them', () => {
      fc.assert(
        fc.property(instant, (t) => {
          const open = nextOpen(t);
          const close = nextClose(t);
          const s = sessionAt(t);
          expect(open > t && close > t).toBe(true);
          if (s) {
            expect(close).toEqual(s.closeUtc);
            expect(open > close).toBe(true);
          } else {
            expect(close > open).toBe(true);
            expect(sessionAt(new Date(open.getTime() - 1))).toBeNull(); // closed all the way to the open
            expect(sessionAt(open)).not.toBeNull();
          }
        }),
        { numRuns: 500 },
      );
    });

    it('property: a session is 6.5 hours, or 3.5 on an early close, and sessions never overlap', () => {
      fc.assert(
        fc.property(instant, (t) => {
          const date = t.toISOString().slice(0, 10);
          const window = sessionsBetween(date, date < '2027-12-20' ? new Date(t.getTime() + 10 * 86_400_000).toISOString().slice(0, 10) : '2027-12-31');
          window.forEach((s, i) => {
            expect(s.closeUtc.getTime() - s.openUtc.getTime()).toBe((s.earlyClose ? 3.5 : 6.5) * 3_600_000);
            if (i > 0) expect(s.openUtc > window[i - 1]!.closeUtc).toBe(true);
          });
        }),
        { numRuns: 200 },
      );
    });
  });
});
