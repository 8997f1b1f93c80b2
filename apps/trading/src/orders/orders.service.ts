import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { OrderSubmittedV2 } from '@alphintra/contracts';
import { Dec, formatDecimal, parseDecimal } from '@alphintra/money';
import { uuidv7 } from '@alphintra/platform-database';
import { DomainError, PLATFORM, pageOf } from '@alphintra/platform-http';
import { OutboxPublisher } from '@alphintra/platform-messaging';
import { overflows, violates } from '../common/constraint';
import { wire } from '../common/decimal';
import type { TradingEnv } from '../env';
import type { OrderBody, OrdersQuery } from './dto/orders.dto';
import { LedgerService } from '../ledger/ledger.service';
import { recordCause } from '../order-record/order-record';
import { OrderRecordService } from '../order-record/order-record.service';
import { PositionNotFoundError } from '../portfolio/portfolio.errors';
import { dayOrderExpiry } from './day-session';
import { decidePlacement } from './order.decide';
import { historyOf, orderFacts, orderRow, orderView, type OrderRow } from './order-row';
import { isTerminal } from './order-state';
import { SagaService } from './saga.service';
import {
  AccountHaltedError,
  DelistedSymbolError,
  IdempotencyKeyReusedError,
  NothingToCloseError,
  NoPriceError,
  NotionalTooLargeError,
  OrderNotCancellableError,
  OrderNotFoundError,
  OrderNotionalCapError,
  OrderQuantityCapError,
  ReduceOnlyError,
  SellBeyondHoldingsError,
  TrailTooWideError,
  UnknownSymbolError,
} from './orders.errors';

/** The canonical JSON of a body: keys sorted at every level, so key order does not change the hash. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}
export const requestHash = (body: unknown): string => createHash('sha256').update(canonicalJson(body)).digest('hex');

@Injectable()
export class OrdersService {
  private readonly env: TradingEnv;
  private readonly marketBuffer: Dec;

  constructor(
    private readonly em: EntityManager,
    private readonly outbox: OutboxPublisher,
    private readonly saga: SagaService,
    private readonly ledger: LedgerService,
    private readonly record: OrderRecordService,
    @Inject(PLATFORM) platform: { env: TradingEnv },
  ) {
    this.env = platform.env;
    this.marketBuffer = new Dec(platform.env.TRADING_MARKET_ORDER_BUFFER_BPS).div(10_000);
  }

  /**
   * Places an order: the row, its first transition, its reservation (cash for a buy, shares for a
   * sell) and trading.order.submitted commit together. The same key with the same body answers
   * the order already placed; with another body, 409. A buy beyond buying power is submitted and
   * rejected (by risk, and by trading's own check at approval); a sell beyond the free shares is
   * refused here.
   */
  async place(userId: string, key: string, body: OrderBody) {
    const hash = requestHash(body);
    const replay = await this.replayOf(this.em, userId, key, hash);
    if (replay) return replay;
    try {
      return await this.em.transactional((em) => this.insert(em, userId, key, hash, body, false));
    } catch (e) {
      // Another request with this key won the race.
      if (violates(e, 'order_user_idempotency_key')) {
        const again = await this.replayOf(this.em.fork(), userId, key, hash);
        if (again) return again;
      }
      if (violates(e, 'order_symbol_fkey') || violates(e, 'position_symbol_fkey')) throw new UnknownSymbolError(body.symbol);
      if (overflows(e)) throw new NotionalTooLargeError();
      throw e;
    }
  }

  private async replayOf(em: EntityManager, userId: string, key: string, hash: string) {
    const [row] = await em.execute<OrderRow[]>(`select * from "trading_data"."order" where "user_id" = ? and "idempotency_key" = ?`, [userId, key]);
    if (!row) return undefined;
    if (row.request_hash !== hash) throw new IdempotencyKeyReusedError();
    return orderView(row, (await historyOf(em, [row.id])).get(row.id) ?? []);
  }

  /**
   * trading's own market sells of a halted account's free shares (a halt with flatten), in the
   * caller's transaction; `key` derives from the cause, so the same cause places nothing twice.
   */
  async flatten(em: EntityManager, userId: string, cause: string): Promise<void> {
    const held = await em.execute<{ symbol: string; free: string }[]>(
      `select "symbol", ("quantity" - "reserved")::text as "free" from "trading_data"."position" where "user_id" = ? and "quantity" > "reserved" order by "symbol"`,
      [userId],
    );
    for (const p of held) {
      const body: OrderBody = { symbol: p.symbol, side: 'sell', type: 'market', quantity: wire(p.free), timeInForce: 'day' };
      const key = `flatten:${cause}:${p.symbol}`;
      if (!(await this.replayOf(em, userId, key, requestHash(body)))) await this.insert(em, userId, key, requestHash(body), body, true);
    }
  }

  private async insert(em: EntityManager, userId: string, key: string, hash: string, body: OrderBody, flattening: boolean) {
    // FOR SHARE holds off a concurrent delisting until the order exists.
    const [ref] = await em.execute<{ status: string; last_price: string | null }[]>(
      `select "status", "last_price" from "trading_data"."instrument_ref" where "symbol" = ? for share`,
      [body.symbol],
    );
    if (!ref || ref.status === 'unlisted') throw new UnknownSymbolError(body.symbol);
    if (ref.status === 'delisted') throw new DelistedSymbolError(body.symbol);
    const held = await this.ledger.lock(em, userId, body.symbol);
    const placed = decidePlacement(
      {
        side: body.side,
        type: body.type,
        quantity: parseDecimal(body.quantity),
        limitPrice: body.limitPrice === undefined ? null : parseDecimal(body.limitPrice),
        stopPrice: body.stopPrice === undefined ? null : parseDecimal(body.stopPrice),
        trailPrice: body.trailPrice === undefined ? null : parseDecimal(body.trailPrice),
        trailPercent: body.trailPercent === undefined ? null : parseDecimal(body.trailPercent),
        lastPrice: ref.last_price === null ? null : parseDecimal(ref.last_price),
        marketBuffer: this.marketBuffer,
        maxQuantity: parseDecimal(this.env.TRADING_MAX_ORDER_QUANTITY),
        maxNotional: parseDecimal(this.env.TRADING_MAX_ORDER_NOTIONAL),
        flattening,
      },
      { state: held.status.state, ...held.account, quantity: held.position.quantity, reservedShares: held.position.reservedShares },
    );
    if ('refused' in placed) {
      if (placed.refused === 'account_halted') throw new AccountHaltedError(held.status.reason);
      if (placed.refused === 'reduce_only') throw new ReduceOnlyError(held.status.reason);
      if (placed.refused === 'no_price') throw new NoPriceError(body.symbol);
      if (placed.refused === 'trail_too_wide') throw new TrailTooWideError(formatDecimal(placed.last));
      if (placed.refused === 'quantity_cap') throw new OrderQuantityCapError(formatDecimal(placed.max));
      if (placed.refused === 'notional_cap') throw new OrderNotionalCapError(formatDecimal(placed.notional, 2), formatDecimal(placed.max));
      throw new SellBeyondHoldingsError(formatDecimal(placed.available));
    }

    const now = new Date();
    const id = uuidv7(now.getTime());
    const expiresAt = body.timeInForce === 'day' ? dayOrderExpiry(now, this.env.TRADING_SESSION_CLOSE_UTC).toISOString() : null;
    const cause = flattening ? 'trading:flatten' : 'http:POST /api/v1/orders';
    // The order and its first transition in one statement.
    const [row] = await em.execute<OrderRow[]>(
      `with placed as (
         insert into "trading_data"."order" ("id", "user_id", "idempotency_key", "request_hash", "symbol", "side", "type", "quantity", "limit_price", "stop_price",
           "trail_price", "trail_percent", "time_in_force", "reference_price", "reserve_price", "worst_price", "reserved", "reserved_shares", "buying_power", "expires_at",
           "status", "created_at", "updated_at")
         values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending_risk', ?, ?) returning *
       ), first as (
         insert into "trading_data"."order_transition" ("order_id", "from_status", "status", "at", "reason", "cause") select "id", null, 'pending_risk', ?, null, ? from placed
       )
       select * from placed`,
      [
        id,
        userId,
        key,
        hash,
        body.symbol,
        body.side,
        body.type,
        body.quantity,
        body.limitPrice ?? null,
        body.stopPrice ?? null,
        body.trailPrice ?? null,
        body.trailPercent ?? null,
        body.timeInForce,
        wire(placed.referencePrice),
        wire(placed.reservePrice),
        wire(placed.worstPrice),
        wire(placed.reservedCash),
        wire(placed.reservedShares),
        wire(placed.buyingPower),
        expiresAt,
        now.toISOString(),
        now.toISOString(),
        now.toISOString(),
        cause,
      ],
    );
    this.record.record(em, { orderId: id, userId, from: null, to: 'pending_risk', reason: null, cause: recordCause(cause, { idempotencyKey: key }), at: now });
    await this.ledger.post(em, held, placed.ledger, { orderId: id, at: now });
    await this.outbox.record(em, OrderSubmittedV2, id, {
      ...orderFacts(row!),
      referencePrice: wire(placed.referencePrice),
      buyingPower: wire(placed.buyingPower),
      submittedAt: now.toISOString(),
      worstPrice: wire(placed.worstPrice),
      lastPrice: ref.last_price === null ? null : wire(ref.last_price),
      ...(body.side === 'sell' ? { availableQuantity: wire(placed.availableQuantity) } : {}),
    });
    return orderView(row!, [{ order_id: id, status: 'pending_risk', at: now, reason: null }]);
  }

  async list(userId: string, q: OrdersQuery) {
    const params: unknown[] = [userId];
    let where = `"user_id" = ?`;
    if (q.status) {
      where += ` and "status" = ?`;
      params.push(q.status);
    }
    if (q.cursor) {
      where += ` and "id" < ?`;
      params.push(q.cursor);
    }
    const rows = await this.em.execute<OrderRow[]>(`select * from "trading_data"."order" where ${where} order by "id" desc limit ?`, [...params, q.limit + 1]);
    const history = await historyOf(this.em, rows.slice(0, q.limit).map((r) => r.id));
    return pageOf(rows, q.limit, (r) => r.id, (r) => orderView(r, history.get(r.id) ?? []));
  }

  async get(userId: string, id: string) {
    const row = await orderRow(this.em, id, { userId });
    if (!row) throw new OrderNotFoundError();
    return orderView(row, (await historyOf(this.em, [id])).get(id) ?? []);
  }

  /** Asks to cancel every open order of the caller, each on its own; answers what became of each. */
  async cancelAll(userId: string) {
    const open = await this.em.execute<{ id: string }[]>(
      `select "id" from "trading_data"."order" where "user_id" = ? and "status" in ('pending_risk', 'routed', 'partially_filled') order by "id"`,
      [userId],
    );
    const out: { id: string; status: string; code?: string }[] = [];
    for (const { id } of open) {
      try {
        out.push({ id, status: (await this.cancel(userId, id)).status });
      } catch (e) {
        if (!(e instanceof OrderNotCancellableError)) throw e;
        out.push({ id, status: 'not_cancellable', code: e.code });
      }
    }
    return out;
  }

  /**
   * Closes (part of) a position with a market sell of the shares not committed to other sells:
   * all of them, a quantity, or a percentage (rounded down to 8 decimals).
   */
  async closePosition(userId: string, symbol: string, part: { quantity?: string; percentage?: string }) {
    const [p] = await this.em.execute<{ free: string }[]>(
      `select ("quantity" - "reserved")::text as "free" from "trading_data"."position" where "user_id" = ? and "symbol" = ? and "quantity" > 0`,
      [userId, symbol],
    );
    if (!p) throw new PositionNotFoundError(symbol);
    const free = parseDecimal(p.free);
    const quantity = part.quantity ? parseDecimal(part.quantity) : part.percentage ? free.times(part.percentage).div(100).toDecimalPlaces(8, Dec.ROUND_DOWN) : free;
    if (!quantity.gt(0)) throw new NothingToCloseError(symbol);
    return this.place(userId, `close:${uuidv7()}`, { symbol, side: 'sell', type: 'market', quantity: formatDecimal(quantity), timeInForce: 'day' });
  }

  /** Closes every position with shares free to sell; answers each symbol's order or why none. */
  async closeAll(userId: string) {
    const held = await this.em.execute<{ symbol: string }[]>(`select "symbol" from "trading_data"."position" where "user_id" = ? and "quantity" > "reserved" order by "symbol"`, [userId]);
    const out: { symbol: string; status: number; order?: unknown; code?: string }[] = [];
    for (const { symbol } of held) {
      try {
        out.push({ symbol, status: 202, order: await this.closePosition(userId, symbol, {}) });
      } catch (e) {
        if (!(e instanceof DomainError)) throw e;
        out.push({ symbol, status: e.kind === 'not_found' ? 404 : 422, code: e.code });
      }
    }
    return out;
  }

  /**
   * An order risk has not decided on yet is cancelled here and now; one at the venue gets
   * cancel_requested and the venue's report settles it. A terminal order cannot be cancelled.
   */
  async cancel(userId: string, id: string) {
    return this.em.transactional(async (em) => {
      const row = await orderRow(em, id, { userId, lock: true });
      if (!row) throw new OrderNotFoundError();
      if (isTerminal(row.status)) throw new OrderNotCancellableError(row.status);
      if (row.status !== 'cancel_requested') {
        const d = await this.saga.advance(em, row, { kind: 'cancel', reason: 'cancelled by the owner' }, 'http:DELETE /api/v1/orders/{id}');
        if (!d) throw new OrderNotCancellableError(row.status);
      }
      const fresh = (await orderRow(em, id))!;
      return orderView(fresh, (await historyOf(em, [id])).get(id) ?? []);
    });
  }
}
