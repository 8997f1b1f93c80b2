import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { OrderCancelled, OrderCancelRequested, OrderSubmitted } from '@alphintra/contracts';
import { Dec, parseDecimal } from '@alphintra/money';
import { uuidv7 } from '@alphintra/platform-database';
import { PLATFORM, pageOf } from '@alphintra/platform-http';
import { OutboxPublisher } from '@alphintra/platform-messaging';
import { overflows, violates } from '../common/constraint';
import { wire } from '../common/decimal';
import type { TradingEnv } from '../env';
import type { OrderBody, OrdersQuery } from './dto/orders.dto';
import { OrderLifecycle } from './order-lifecycle';
import { historyOf, orderFacts, orderRow, orderView, type OrderRow } from './order-row';
import { isTerminal } from './order-state';
import { DelistedSymbolError, IdempotencyKeyReusedError, NoPriceError, NotionalTooLargeError, OrderNotCancellableError, OrderNotFoundError, UnknownSymbolError } from './orders.errors';

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
  private readonly marketBuffer: Dec;

  constructor(
    private readonly em: EntityManager,
    private readonly outbox: OutboxPublisher,
    private readonly lifecycle: OrderLifecycle,
    @Inject(PLATFORM) platform: { env: TradingEnv },
  ) {
    this.marketBuffer = new Dec(platform.env.TRADING_MARKET_ORDER_BUFFER_BPS).div(10_000);
  }

  /**
   * Places an order: the row, its first transition, the buy's reservation and
   * trading.order.submitted commit together. The same key with the same body answers the
   * order already placed; with another body, 409. Buying power is not checked here: risk
   * rejects an order whose buyingPower went negative.
   */
  async place(userId: string, key: string, body: OrderBody) {
    const hash = requestHash(body);
    const replay = await this.replayOf(this.em, userId, key, hash);
    if (replay) return replay;
    try {
      return await this.em.transactional((em) => this.insert(em, userId, key, hash, body));
    } catch (e) {
      // Another request with this key won the race.
      if (violates(e, 'order_user_idempotency_key')) {
        const again = await this.replayOf(this.em.fork(), userId, key, hash);
        if (again) return again;
      }
      if (violates(e, 'order_symbol_fkey')) throw new UnknownSymbolError(body.symbol);
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

  private async insert(em: EntityManager, userId: string, key: string, hash: string, body: OrderBody) {
    // FOR SHARE holds off a concurrent delisting until the order exists.
    const [ref] = await em.execute<{ status: string; last_price: string | null }[]>(
      `select "status", "last_price" from "trading_data"."instrument_ref" where "symbol" = ? for share`,
      [body.symbol],
    );
    if (!ref || ref.status === 'unlisted') throw new UnknownSymbolError(body.symbol);
    if (ref.status === 'delisted') throw new DelistedSymbolError(body.symbol);
    let referencePrice: Dec;
    let reservePrice: Dec;
    if (body.limitPrice !== undefined) {
      referencePrice = reservePrice = parseDecimal(body.limitPrice);
    } else {
      if (!ref.last_price) throw new NoPriceError(body.symbol);
      referencePrice = parseDecimal(ref.last_price);
      reservePrice = referencePrice.times(this.marketBuffer.plus(1));
    }
    const quantity = parseDecimal(body.quantity);
    const reservation = body.side === 'buy' ? quantity.times(reservePrice).toDecimalPlaces(8, Dec.ROUND_UP) : new Dec(0);

    const [account] = await em.execute<{ cash: string; reserved: string }[]>(
      `insert into "trading_data"."account" ("user_id", "reserved") values (?, ?)
       on conflict ("user_id") do update set "reserved" = "account"."reserved" + excluded."reserved", "updated_at" = now() returning "cash", "reserved"`,
      [userId, wire(reservation)],
    );
    const buyingPower = parseDecimal(account!.cash).minus(parseDecimal(account!.reserved));

    const now = new Date();
    const id = uuidv7(now.getTime());
    // The order and its first transition in one statement.
    const [row] = await em.execute<OrderRow[]>(
      `with placed as (
         insert into "trading_data"."order" ("id", "user_id", "idempotency_key", "request_hash", "symbol", "side", "type", "quantity", "limit_price", "time_in_force",
           "reference_price", "reserve_price", "reserved", "status", "created_at", "updated_at")
         values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending_risk', ?, ?) returning *
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
        body.timeInForce,
        wire(referencePrice),
        wire(reservePrice),
        wire(reservation),
        now.toISOString(),
        now.toISOString(),
        now.toISOString(),
        'http:POST /api/v1/orders',
      ],
    );
    await this.outbox.record(em, OrderSubmitted, id, { ...orderFacts(row!), referencePrice: wire(referencePrice), buyingPower: wire(buyingPower), submittedAt: now.toISOString() });
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

  /**
   * An order risk has not decided on yet is cancelled here and now; one at the venue gets
   * cancel_requested and the venue's report settles it. A terminal order cannot be cancelled.
   */
  async cancel(userId: string, id: string) {
    return this.em.transactional(async (em) => {
      const row = await orderRow(em, id, { userId, lock: true });
      if (!row) throw new OrderNotFoundError();
      if (isTerminal(row.status)) throw new OrderNotCancellableError(row.status);
      const now = new Date();
      if (row.status !== 'cancel_requested') {
        const to = await this.lifecycle.apply(em, row, 'cancel', { cause: 'http:DELETE /api/v1/orders/{id}', reason: 'cancelled by the owner', at: now });
        if (to === 'cancelled') {
          await this.lifecycle.releaseReservation(em, row);
          await this.outbox.record(em, OrderCancelled, id, { orderId: id, userId, symbol: row.symbol, filledQuantity: wire(row.filled_quantity), cancelledAt: now.toISOString() });
        } else if (to === 'cancel_requested') {
          await this.outbox.record(em, OrderCancelRequested, id, { orderId: id, userId, symbol: row.symbol, requestedAt: now.toISOString() });
        } else throw new OrderNotCancellableError(row.status);
      }
      const fresh = (await orderRow(em, id))!;
      return orderView(fresh, (await historyOf(em, [id])).get(id) ?? []);
    });
  }
}
