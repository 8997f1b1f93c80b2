import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Dec } from '@alphintra/money';
import { query } from '@alphintra/platform-database';
import { PLATFORM } from '@alphintra/platform-http';
import type { BrokerEnv } from '../env';
import { ExecutionBook, VENUE_ORDER_COLUMNS, type RoutedOrder, type VenueOrderRow } from '../execution/execution-book';
import { chunks, quote } from './paper-fill';
import type { ConnectionTestResult, SubmitContext, Venue } from './venue';

export const PAPER = 'paper';

/** The built-in simulated venue: fills against the last price of marketdata.price.updated. Never touches a network. */
@Injectable()
export class PaperVenue implements Venue {
  readonly name = PAPER;
  readonly live = false;
  private readonly maxFill: Dec;
  private readonly maxFills: number;
  private readonly maxSlippageBps: number;

  constructor(
    private readonly book: ExecutionBook,
    @Inject(PLATFORM) platform: { env: BrokerEnv },
  ) {
    this.maxFill = new Dec(platform.env.BROKER_PAPER_MAX_FILL_QUANTITY);
    this.maxFills = platform.env.BROKER_PAPER_MAX_FILLS_PER_EVENT;
    this.maxSlippageBps = platform.env.BROKER_MAX_SLIPPAGE_BPS;
  }

  test(): Promise<ConnectionTestResult> {
    return Promise.resolve({ ok: true, detail: 'paper venue: simulated fills at the last market price' });
  }

  async submit(em: EntityManager, o: RoutedOrder, ctx: SubmitContext): Promise<void> {
    await this.lockSymbol(em, o.symbol);
    const vo = await this.book.accept(em, o, PAPER, ctx.connectionId, ctx.slippageBps);
    if (!vo) return; // accepted before: no second effect
    if (vo.type === 'limit' && vo.limitPrice === null) return this.book.report(em, vo, { kind: 'rejected', reason: 'limit order without a limit price' });
    const last = await this.lastPrice(em, o.symbol);
    if (!last) return vo.type === 'market' ? this.book.report(em, vo, { kind: 'rejected', reason: 'no market price' }) : undefined;
    await this.execute(em, vo, last);
  }

  async cancel(em: EntityManager, vo: VenueOrderRow): Promise<void> {
    if (vo.status !== 'open') return; // filled, rejected or cancelled already
    await this.book.report(em, vo, { kind: 'cancelled', reason: 'cancel requested' });
  }

  /** Keeps the last price and fills the resting limit orders it reaches. Older prices lose. */
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
    // A limit's bound is the tighter of its limit and its worst price (see paper-fill's boundOf).
    const resting = await query<VenueOrderRow>(
      em,
      `select ${VENUE_ORDER_COLUMNS} from "broker_data"."venue_order"
       where "symbol" = $1 and "status" = 'open' and "type" = 'limit' and "venue" = '${PAPER}'
         and (("side" = 'buy' and least("limit_price", coalesce("worst_price", "limit_price")) >= $2::numeric)
           or ("side" = 'sell' and greatest("limit_price", coalesce("worst_price", "limit_price")) <= $2::numeric))
       order by "created_at", "id" for update`,
      [symbol, price],
    );
    for (const vo of resting) await this.execute(em, vo, new Dec(price));
  }

  /** Slippage beyond the cap (a row stored before it, say) is held to the cap. */
  private async execute(em: EntityManager, vo: VenueOrderRow, last: Dec): Promise<void> {
    const q = quote(vo, last, Math.min(vo.slippageBps, this.maxSlippageBps));
    if (q.kind === 'cancel') return this.book.report(em, vo, { kind: 'cancelled', reason: q.reason });
    if (q.kind === 'rest') return;
    const leaves = new Dec(vo.quantity).minus(vo.cumulativeQuantity);
    for (const quantity of chunks(leaves, this.maxFill, this.maxFills)) await this.book.report(em, vo, { kind: 'fill', quantity, price: q.price });
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
