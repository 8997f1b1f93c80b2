import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { CALENDAR_COVERS, sessionsBetween } from '@alphintra/market-calendar';
import type { HistoryQuery, Period, Timeframe } from './dto/equity.dto';
import { filledAtCloses, withProfitLoss } from './equity-history';
import { HistoryRangeTooLongError } from './equity.errors';
import { EquityRepository } from './equity.repository';

const DAY_MS = 86_400_000;
const BUCKET_SECONDS: Record<Timeframe, number | undefined> = { '1Min': undefined, '5Min': 300, '1H': 3600, '1D': undefined };
const DEFAULT_TIMEFRAME: Record<Period, Timeframe> = { '1D': '1Min', '1W': '5Min', '1M': '1H', '1Y': '1D', all: '1D' };
const INTRADAY_MAX_MS = 31 * DAY_MS;
const DAILY_MAX_MS = 366 * DAY_MS;

function before(to: Date, period: Exclude<Period, 'all'>): Date {
  const d = new Date(to);
  if (period === '1D') d.setUTCDate(d.getUTCDate() - 1);
  if (period === '1W') d.setUTCDate(d.getUTCDate() - 7);
  if (period === '1M') d.setUTCMonth(d.getUTCMonth() - 1);
  if (period === '1Y') d.setUTCFullYear(d.getUTCFullYear() - 1);
  return d;
}

/** The XNYS closes in [from, to], within the years the calendar holds. */
function closesBetween(from: Date, to: Date): Date[] {
  const first = from.toISOString().slice(0, 10);
  const last = to.toISOString().slice(0, 10);
  if (last < CALENDAR_COVERS.firstDate || first > CALENDAR_COVERS.lastDate) return [];
  return sessionsBetween(first < CALENDAR_COVERS.firstDate ? CALENDAR_COVERS.firstDate : first, last > CALENDAR_COVERS.lastDate ? CALENDAR_COVERS.lastDate : last)
    .map((s) => s.closeUtc)
    .filter((c) => c >= from && c <= to);
}

/** The caller's equity history (ADR 0037), from the points the sweep wrote. */
@Injectable()
export class EquityService {
  constructor(private readonly em: EntityManager) {}

  async history(userId: string, q: HistoryQuery, now = new Date()) {
    const period = q.period ?? (q.from ? undefined : '1M');
    const timeframe: Timeframe = q.timeframe ?? (period ? DEFAULT_TIMEFRAME[period] : '1D');
    const stored = timeframe === '1D' ? '1D' : '1Min';
    const to = q.to ? new Date(q.to) : now;
    let from: Date;
    if (q.from) from = new Date(q.from);
    else if (period && period !== 'all') from = before(to, period);
    else from = (await EquityRepository.firstPointAt(this.em, userId, stored)) ?? to;
    if (from > to) from = to;
    const most = stored === '1D' ? DAILY_MAX_MS : INTRADAY_MAX_MS;
    // period=all of daily points is everything kept: one a session, a decade is 2,520 points.
    if (period !== 'all' && to.getTime() - from.getTime() > most) throw new HistoryRangeTooLongError(q.from ? 'from' : 'to', timeframe, stored === '1D' ? 'a year' : '31 days');

    const base = await EquityRepository.pointBefore(this.em, userId, stored, from);
    const rows = await EquityRepository.points(this.em, userId, stored, from, to, BUCKET_SECONDS[timeframe]);
    const closes = stored === '1D' ? closesBetween(from, to) : [];
    const points = closes.length > 0 ? filledAtCloses(closes, base, rows) : rows;
    return { timeframe, ...withProfitLoss(base ?? points[0] ?? null, points) };
  }
}
