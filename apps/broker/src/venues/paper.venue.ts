import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ALWAYS_OPEN, isOpen, XNYS_HOURS, type SessionRule } from '@alphintra/market-calendar';
import { Dec, formatDecimal } from '@alphintra/money';
import { query } from '@alphintra/platform-database';
import { PLATFORM } from '@alphintra/platform-http';
import type { BrokerEnv } from '../env';
import { ExecutionBook, VENUE_ORDER_COLUMNS, type RoutedOrder, type VenueOrderRow } from '../execution/execution-book';
import { chunks, isStop, onTrade, quote, touch, triggeredAs, type Market, type PricedOrder, type StopOrder } from './paper-fill';
import type { ConnectionTestResult, SubmitContext, Venue } from './venue';

export const PAPER = 'paper';

/** The top of the book that may come with a price (all four or none). */
export interface Book {
  bid?: string;
  bidSize?: string;
  ask?: string;
  askSize?: string;
}

/**
 * The built-in simulated venue: fills on the market of marketdata.price.updated — the ask for a
 * buy and the bid for a sell when the price came with a book, the last price otherwise — only in
 * session (BROKER_PAPER_HOURS), optionally by the quote's size. Never touches a network (ADR 0035).
 */
@Injectable()
export class PaperVenue implements Venue {
  readonly name = PAPER;
  readonly live = false;
  private readonly maxFill: Dec;
  private readonly maxFills: number;
  private readonly maxSlippageBps: number;
  private readonly hours: SessionRule;
  private readonly bySize: boolean;
  /** The venue's clock; tests set it to place the venue in or out of a session. */
  now: () => Date = () => new Date();

  constructor(
    private readonly book: ExecutionBook,
    @Inject(PLATFORM) platform: { env: BrokerEnv },
  ) {
    this.maxFill = new Dec(platform.env.BROKER_PAPER_MAX_FILL_QUANTITY);
    this.maxFills = platform.env.BROKER_PAPER_MAX_FILLS_PER_EVENT;
    this.maxSlippageBps = platform.env.BROKER_MAX_SLIPPAGE_BPS;
    this.hours = platform.env.BROKER_PAPER_HOURS === 'always' ? ALWAYS_OPEN : XNYS_HOURS;
    this.bySize = platform.env.BROKER_PAPER_FILL_BY_QUOTE_SIZE;
  }

  test(): Promise<ConnectionTestResult> {
    return Promise.resolve({ ok: true, detail: 'paper venue: simulated fills at the quoted market (ask for buys, bid for sells) in session' });
  }

  async submit(em: EntityManager, o: RoutedOrder, ctx: SubmitContext): Promise<void> {
    await this.lockSymbol(em, o.symbol);
    const vo = await this.book.accept(em, o, PAPER, ctx.connectionId, ctx.slippageBps);
    if (!vo) return; // accepted before: no second effect
    const malformed = malformedOrder(vo);
    if (malformed) return this.book.report(em, vo, { kind: 'rejected', reason: malformed });
    const market = await this.market(em, o.symbol);
    const immediate = vo.timeInForce === 'ioc' || vo.timeInForce === 'fok';
    // a market order (or one that must execute now) needs a market; limits and stops rest for one
    if (!market) return vo.type === 'market' || immediate ? this.book.report(em, vo, { kind: 'rejected', reason: 'no market price' }) : undefined;
    if (this.open()) return this.work(em, vo, market);
    // out of session an order rests for the first price in session; one that must execute now cannot
    if (immediate) return this.book.report(em, vo, { kind: 'cancelled', reason: `${vo.timeInForce}: the market is closed` });
  }

  async cancel(em: EntityManager, vo: VenueOrderRow): Promise<void> {
    if (vo.status !== 'open') return; // filled, rejected or cancelled already
    await this.book.report(em, vo, { kind: 'cancelled', reason: 'cancel requested' });
  }

  /**
   * Keeps the last price (and the book that came with it) and, in session, fills the open orders it
   * reaches: limits whose bound the touch has reached, market orders that rested (out of session, or
   * the part a quote's size left). Older prices lose.
   */
  async onPrice(em: EntityManager, symbol: string, price: string, at: string, book: Book = {}): Promise<void> {
    await this.lockSymbol(em, symbol);
    const withBook = book.bid !== undefined && book.ask !== undefined;
    const [kept] = await query<{ symbol: string }>(
      em,
      `insert into "broker_data"."last_price" ("symbol", "price", "at", "bid", "bid_size", "ask", "ask_size") values ($1, $2, $3, $4, $5, $6, $7)
       on conflict ("symbol") do update set "price" = excluded."price", "at" = excluded."at", "bid" = excluded."bid", "bid_size" = excluded."bid_size",
         "ask" = excluded."ask", "ask_size" = excluded."ask_size"
       where "last_price"."at" <= excluded."at"
       returning "symbol"`,
      [symbol, price, new Date(at).toISOString(), withBook ? book.bid : null, withBook ? (book.bidSize ?? '0') : null, withBook ? book.ask : null, withBook ? (book.askSize ?? '0') : null],
    );
    if (!kept || !this.open()) return;
    const market: Market = marketOf({ price, ...(withBook ? { bid: book.bid!, bidSize: book.bidSize ?? '0', ask: book.ask!, askSize: book.askSize ?? '0' } : {}) });
    // What this market may move: limits whose bound the touch has reached (the tighter of limit
    // and worst price, paper-fill's boundOf; a buy is reached by the ask, a sell by the bid), market
    // orders that rested, and every stop (a trailing stop's mark moves with each trade).
    const open = await query<VenueOrderRow>(
      em,
      `select ${VENUE_ORDER_COLUMNS} from "broker_data"."venue_order"
       where "symbol" = $1 and "status" = 'open' and "venue" = '${PAPER}'
         and ("type" = 'market'
           or ("type" in ('stop', 'stop_limit', 'trailing_stop'))
           or ("side" = 'buy' and least("limit_price", coalesce("worst_price", "limit_price")) >= $2::numeric)
           or ("side" = 'sell' and greatest("limit_price", coalesce("worst_price", "limit_price")) <= $3::numeric))
       order by "created_at", "id" for update`,
      [symbol, touch(market, 'buy').toFixed(), touch(market, 'sell').toFixed()],
    );
    for (const vo of open) await this.work(em, vo, market);
  }

  /** An open order on a market in session: a stop not yet triggered follows the last trade first; then it fills as far as it may. */
  private async work(em: EntityManager, vo: VenueOrderRow, market: Market): Promise<void> {
    if (isStop(vo.type) && !vo.triggered) {
      const t = onTrade(vo as VenueOrderRow & StopOrder, market.last);
      const mark = t.mark === null ? null : formatDecimal(t.mark);
      if (mark !== (vo.mark === null ? null : formatDecimal(new Dec(vo.mark))) || t.triggered) await this.book.markStop(em, vo, mark, t.triggered);
      if (!t.triggered) return;
    }
    await this.execute(em, vo, market);
  }

  /**
   * Fills what the market allows (slippage beyond the cap — a row stored before it, say — is held
   * to the cap). ioc: what cannot fill now is cancelled; fok: all now or nothing.
   */
  private async execute(em: EntityManager, vo: VenueOrderRow, market: Market): Promise<void> {
    const priced: PricedOrder = { side: vo.side, type: isStop(vo.type) ? triggeredAs(vo.type) : vo.type, limitPrice: vo.limitPrice, worstPrice: vo.worstPrice };
    const q = quote(priced, market, Math.min(vo.slippageBps, this.maxSlippageBps), this.bySize);
    if (q.kind === 'cancel') return this.book.report(em, vo, { kind: 'cancelled', reason: q.reason });
    const immediate = vo.timeInForce === 'ioc' || vo.timeInForce === 'fok';
    if (q.kind === 'rest') return immediate ? this.book.report(em, vo, { kind: 'cancelled', reason: `${vo.timeInForce}: the market does not reach the limit` }) : undefined;
    const leaves = new Dec(vo.quantity).minus(vo.cumulativeQuantity);
    if (vo.timeInForce === 'fok' && q.upTo?.lt(leaves)) {
      return this.book.report(em, vo, { kind: 'cancelled', reason: `fok: the book offers ${formatDecimal(q.upTo)} of ${formatDecimal(leaves)}` });
    }
    const now = q.upTo ? Dec.min(leaves, q.upTo) : leaves;
    for (const quantity of chunks(now, this.maxFill, this.maxFills)) await this.book.report(em, vo, { kind: 'fill', quantity, price: q.price });
    if (vo.timeInForce === 'ioc' && vo.status === 'open') await this.book.report(em, vo, { kind: 'cancelled', reason: 'ioc: the rest is cancelled' });
  }

  private async market(em: EntityManager, symbol: string): Promise<Market | null> {
    const [row] = await query<MarketRow>(
      em,
      `select "price"::text as "price", "bid"::text as "bid", "bid_size"::text as "bidSize", "ask"::text as "ask", "ask_size"::text as "askSize"
       from "broker_data"."last_price" where "symbol" = $1`,
      [symbol],
    );
    return row ? marketOf(row) : null;
  }

  /** Whether the venue trades now (BROKER_PAPER_HOURS). */
  private open(): boolean {
    return isOpen(this.hours, this.now().getTime());
  }

  /** Orders and prices of one symbol are handled one at a time (they may arrive on different partitions). */
  private async lockSymbol(em: EntityManager, symbol: string): Promise<void> {
    await query(em, `select pg_advisory_xact_lock(hashtext($1))`, [`broker:symbol:${symbol}`]);
  }
}

interface MarketRow {
  price: string;
  bid?: string | null;
  bidSize?: string | null;
  ask?: string | null;
  askSize?: string | null;
}

function marketOf(r: MarketRow): Market {
  const book = r.bid && r.ask ? { bid: new Dec(r.bid), bidSize: new Dec(r.bidSize ?? '0'), ask: new Dec(r.ask), askSize: new Dec(r.askSize ?? '0') } : null;
  return { last: new Dec(r.price), book };
}

/** Why a routed order cannot be worked at all (trading validates the same; a forged event could still say otherwise). */
function malformedOrder(vo: VenueOrderRow): string | null {
  if ((vo.type === 'limit' || vo.type === 'stop_limit') && vo.limitPrice === null) return `${vo.type} order without a limit price`;
  if ((vo.type === 'stop' || vo.type === 'stop_limit') && vo.stopPrice === null) return `${vo.type} order without a stop price`;
  if (vo.type === 'trailing_stop' && (vo.trailPrice === null) === (vo.trailPercent === null)) return 'trailing_stop order without exactly one of trail price and trail percent';
  return null;
}
