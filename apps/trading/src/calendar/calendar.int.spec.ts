import { randomUUID } from 'node:crypto';
import { startTradingService, type TradingServiceFixture } from '../testing/trading-service.fixture';
import { nextClose, nextOpen, sessionAt } from '@alphintra/market-calendar';

describe('market clock and calendar endpoints', () => {
  let f: TradingServiceFixture;
  const trader = randomUUID();

  beforeAll(async () => {
    f = await startTradingService();
  });
  afterAll(async () => {
    await f?.close();
  });

  it('answers the clock from the calendar at the time of the request', async () => {
    const before = new Date();
    const r = await f.api('GET', '/api/v1/market/clock', { as: trader });
    const after = new Date();
    expect(r.status).toBe(200);
    const at = new Date(r.body.timestamp);
    expect(at >= before && at <= after).toBe(true);
    expect(r.body).toEqual({ timestamp: at.toISOString(), isOpen: sessionAt(at) !== null, nextOpen: nextOpen(at).toISOString(), nextClose: nextClose(at).toISOString() });
  });

  it('lists the sessions of a range in exchange time and UTC, holidays left out and early closes marked', async () => {
    const r = await f.api('GET', '/api/v1/market/calendar?from=2026-11-25&to=2026-11-30', { as: trader });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      items: [
        { date: '2026-11-25', open: '2026-11-25T09:30:00-05:00', close: '2026-11-25T16:00:00-05:00', openUtc: '2026-11-25T14:30:00.000Z', closeUtc: '2026-11-25T21:00:00.000Z', earlyClose: false },
        { date: '2026-11-27', open: '2026-11-27T09:30:00-05:00', close: '2026-11-27T13:00:00-05:00', openUtc: '2026-11-27T14:30:00.000Z', closeUtc: '2026-11-27T18:00:00.000Z', earlyClose: true },
        { date: '2026-11-30', open: '2026-11-30T09:30:00-05:00', close: '2026-11-30T16:00:00-05:00', openUtc: '2026-11-30T14:30:00.000Z', closeUtc: '2026-11-30T21:00:00.000Z', earlyClose: false },
      ],
    });
    const year = await f.api('GET', '/api/v1/market/calendar?from=2027-01-01&to=2027-12-31', { as: trader });
    expect(year.body.items).toHaveLength(251);
  });

  it('answers 422 for a range outside the data or longer than a year, 400 for a malformed one', async () => {
    const outside = await f.api('GET', '/api/v1/market/calendar?from=2027-12-01&to=2028-01-31', { as: trader });
    expect(outside.status).toBe(422);
    expect(outside.contentType).toMatch(/^application\/problem\+json/);
    expect(outside.body).toMatchObject({ code: 'CALENDAR.OUT_OF_RANGE', errors: [{ path: 'to' }] });
    expect((await f.api('GET', '/api/v1/market/calendar?from=2024-12-01&to=2025-01-31', { as: trader })).body).toMatchObject({ status: 422, errors: [{ path: 'from' }] });
    const long = await f.api('GET', '/api/v1/market/calendar?from=2025-03-01&to=2026-03-01', { as: trader });
    expect(long.status).toBe(422);
    expect(long.body.code).toBe('CALENDAR.RANGE_TOO_LONG');
    expect((await f.api('GET', '/api/v1/market/calendar?from=2025-03-01&to=2026-02-28', { as: trader })).status).toBe(200);
    expect((await f.api('GET', '/api/v1/market/calendar?from=2026-03-02&to=2026-03-01', { as: trader })).status).toBe(400);
    expect((await f.api('GET', '/api/v1/market/calendar?from=yesterday&to=2026-03-01', { as: trader })).status).toBe(400);
    expect((await f.api('GET', '/api/v1/market/calendar?from=2026-03-01', { as: trader })).status).toBe(400);
  });

  it('needs an access token like every other route', async () => {
    expect((await f.api('GET', '/api/v1/market/clock')).status).toBe(401);
    expect((await f.api('GET', '/api/v1/market/calendar?from=2026-01-01&to=2026-01-31')).status).toBe(401);
  });
});
