import type { MarketBar } from '../bar-aggregator';
import { barOf, type AlpacaBar } from './alpaca-messages';

export interface AlpacaRestOptions {
  /** `https://data.alpaca.markets` */
  baseUrl: string;
  key: string;
  secret: string;
  feed: 'iex' | 'sip';
  timeoutMs: number;
  /** Bars asked for per page (Alpaca answers at most 10,000). */
  pageLimit?: number;
}

export class AlpacaRestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

interface BarsPage {
  bars: Omit<AlpacaBar, 'T' | 'S'>[] | null;
  next_page_token: string | null;
}

/**
 * 1-minute bars of one symbol in [start, end) from `GET /v2/stocks/{symbol}/bars`, page by page
 * (`page_token`), each page handed to `onPage` as it arrives; bars that do not map are counted, not stored.
 */
export async function backfillBars(
  o: AlpacaRestOptions,
  symbol: string,
  start: Date,
  end: Date,
  onPage: (bars: MarketBar[]) => Promise<void>,
  signal?: AbortSignal,
): Promise<{ pages: number; bars: number; rejected: number }> {
  const got = { pages: 0, bars: 0, rejected: 0 };
  let token: string | null = null;
  do {
    const q = new URLSearchParams({ timeframe: '1Min', start: start.toISOString(), end: end.toISOString(), limit: String(o.pageLimit ?? 10_000), feed: o.feed, adjustment: 'raw', sort: 'asc' });
    if (token) q.set('page_token', token);
    const r = await fetch(`${o.baseUrl}/v2/stocks/${encodeURIComponent(symbol)}/bars?${q}`, {
      headers: { 'APCA-API-KEY-ID': o.key, 'APCA-API-SECRET-KEY': o.secret, accept: 'application/json' },
      signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(o.timeoutMs)]) : AbortSignal.timeout(o.timeoutMs),
    });
    if (!r.ok) {
      await r.body?.cancel();
      throw new AlpacaRestError(r.status, `GET bars of ${symbol} answered ${r.status}`);
    }
    const page = (await r.json()) as BarsPage;
    const bars = (page.bars ?? []).map((b) => barOf(b, symbol));
    const good = bars.filter((b): b is MarketBar => b !== undefined);
    got.pages++;
    got.bars += good.length;
    got.rejected += bars.length - good.length;
    if (good.length) await onPage(good);
    token = page.next_page_token || null;
  } while (token);
  return got;
}
