import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Dec, formatDecimal } from '@alphintra/money';
import { query } from '@alphintra/platform-database';
import { PLATFORM } from '@alphintra/platform-http';
import type { BrokerEnv } from '../env';
import { ExecutionBook, VENUE_ORDER_COLUMNS, type RoutedOrder, type VenueOrderRow } from '../execution/execution-book';
import type { ConnectionTestResult, SubmitContext, Venue } from './venue';

export const PAPER = 'paper';
const BPS = new Dec(10_000);

/** Market orders pay the last price plus slippage: a buy pays more, a sell gets less. */
export function slipped(last: Dec, side: 'buy' | 'sell', bps: number): Dec {
  const factor = side === 'buy' ? BPS.plus(bps) : BPS.minus(bps);
  return new Dec(formatDecimal(last.times(factor).div(BPS), 8));
}

/** A limit order fills once the price reaches its limit: buy at or below, sell at or above. */
export const crosses = (side: 'buy' | 'sell', price: Dec, limit: Dec) => (side === 'buy' ? price.lte(limit) : price.gte(limit));

/** Fill quantities of at most `max` each, adding up to `leaves`. */
export function chunks(leaves: Dec, max: Dec): Dec[] {
  const out: Dec[] = [];
  let left = leaves;
  while (left.gt(0)) {
    const q = Dec.min(left, max);
    out.push(q);
    left = left.minus(q);
  }
  return out;
}

/** The built-in simulated venue: fills against the last price of marketdata.price.updated. Never touches a network. */
@Injectable()
export class PaperVenue implements Venue {
  readonly name = PAPER;
  readonly live = false;
  private readonly maxFill: Dec;

  constructor(
    private readonly book: ExecutionBook,
    @Inject(PLATFORM) platform: { env: BrokerEnv },
  ) {
    this.maxFill = new Dec(platform.env.BROKER_PAPER_MAX_FILL_QUANTITY);
  }

  test(): Promise<ConnectionTestResult> {
    return Promise.resolve({ ok: true, detail: 'paper venue: simulated fills at the last market price' });
  }

  async submit(em: EntityManager, o: RoutedOrder, ctx: SubmitContext): Promise<void> {
    await this.lockSymbol(em, o.symbol);
    const vo = await this.book.accept(em, o, PAPER, ctx.connectionId, ctx.slippageBps);
    if (!vo) return; // accepted before: no second effect
    const last = await this.lastPrice(em, o.symbol);
    if (vo.type === 'market') {
      if (!last) return this.book.report(em, vo, { kind: 'rejected', reason: 'no market price' });
      return this.fill(em, vo, slipped(last, vo.side, vo.slippageBps));
    }
    if (vo.limitPrice === null) return this.book.report(em, vo, { kind: 'rejected', reason: 'limit order without a limit price' });
    // A limit order that is marketable on arrival fills at once; otherwise it rests.
    if (last && crosses(vo.side, last, new Dec(vo.limitPrice))) await this.fill(em, vo, new Dec(vo.limitPrice));
  }

  async cancel(em: EntityManager, vo: VenueOrderRow): Promise<void> {
    if (vo.status !== 'open') return; // filled, rejected or cancelled already
    await this.book.report(em, vo, { kind: 'cancelled', reason: 'cancel requested' });
  }

  /** Keeps the last price and fills the resting limit orders it crosses, at their limit. Older prices lose. */
  async onPrice(em: EntityManager, symbol: string, price: string, at: string): Promise<void> {
    await this.lockSymbol(em, symbol);
    const [kept] = await query<{ symbol: string }>(
      em,
      `insert into "broker_data"."last_price" ("symbol", "price", "at") values ($1, $2, $3)
       on conflict ("symbol") do update set "price" = excluded."price", "at" = excluded."at" where "last_price"."at" <= excluded."at"
       returning "symbol"`,
      [symbol, price, new Date(at).toISOString()],
    );
    if (!kept) return;
    const resting = await query<VenueOrderRow>(
      em,
      `select ${VENUE_ORDER_COLUMNS} from "broker_data"."venue_order"
       where "symbol" = $1 and "status" = 'open' and "type" = 'limit' and "venue" = '${PAPER}'
         and (("side" = 'buy' and "limit_price" >= $2::numeric) or ("side" = 'sell' and "limit_price" <= $2::numeric))
       order by "created_at", "id" for update`,
      [symbol, price],
    );
    for (const vo of resting) await this.fill(em, vo, new Dec(vo.limitPrice!));
  }

  private async fill(em: EntityManager, vo: VenueOrderRow, price: Dec): Promise<void> {
    const leaves = new Dec(vo.quantity).minus(vo.cumulativeQuantity);
    for (const q of chunks(leaves, this.maxFill)) await this.book.report(em, vo, { kind: 'fill', quantity: q, price });
  }

  private async lastPrice(em: EntityManager, symbol: string): Promise<Dec | null> {
    const [row] = await query<{ price: string }>(em, `select "price"::text as "price" from "broker_data"."last_price" where "symbol" = $1`, [symbol]);
    return row ? new Dec(row.price) : null;
  }

  /** Orders and prices of one symbol are handled one at a time (they may arrive on different partitions). */
  private async lockSymbol(em: EntityManager, symbol: string): Promise<void> {
    await query(em, `select pg_advisory_xact_lock(hashtext($1))`, [`broker:symbol:${symbol}`]);
  }
}
