import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { Dec, parseDecimal } from '@alphintra/money';
import { pageOf, type PageQuery } from '@alphintra/platform-http';
import { wire, wireOrNull } from '../common/decimal';
import { LedgerRepository } from '../ledger/ledger.repository';
import { LedgerService } from '../ledger/ledger.service';
import type { ActivitiesQuery } from './dto/portfolio.dto';
import { PositionNotFoundError, WithdrawalBeyondFreeCashError } from './portfolio.errors';
import { valuation } from './position-math';
import { statementCsv } from './statement';

interface PositionRow {
  symbol: string;
  quantity: string;
  reserved: string;
  avg_price: string;
  realized_pnl: string;
  last_price: string | null;
}

interface ExecutionRow {
  id: string;
  execution_id: string;
  order_id: string;
  symbol: string;
  side: 'buy' | 'sell';
  quantity: string;
  price: string;
  venue: string;
  executed_at: Date;
}

@Injectable()
export class PortfolioService {
  constructor(
    private readonly em: EntityManager,
    private readonly ledger: LedgerService,
  ) {}

  /** Cash and the positions held, each valued at the replica's last price (or, without one, its average price). */
  private async holdings(userId: string, symbol?: string) {
    const [account] = await this.em.execute<{ cash: string; reserved: string; status: string; halt_reason: string | null }[]>(
      `select "cash", "reserved", "status", "halt_reason" from "trading_data"."account" where "user_id" = ?`,
      [userId],
    );
    const rows = await this.em.execute<PositionRow[]>(
      `select p."symbol", p."quantity", p."reserved", p."avg_price", p."realized_pnl", i."last_price"
       from "trading_data"."position" p join "trading_data"."instrument_ref" i on i."symbol" = p."symbol"
       where p."user_id" = ? and p."quantity" > 0${symbol ? ' and p."symbol" = ?' : ''} order by p."symbol"`,
      symbol ? [userId, symbol] : [userId],
    );
    const cash = parseDecimal(account?.cash ?? '0');
    const reserved = parseDecimal(account?.reserved ?? '0');
    const positions = rows.map((r) => {
      const quantity = parseDecimal(r.quantity);
      const avgPrice = parseDecimal(r.avg_price);
      const market = r.last_price ? parseDecimal(r.last_price) : avgPrice;
      return { row: r, quantity, avgPrice, market, costBasis: quantity.times(avgPrice), ...valuation({ quantity, avgPrice }, market) };
    });
    const longMarketValue = positions.reduce((sum, p) => sum.plus(p.marketValue), new Dec(0));
    return { cash, reserved, positions, longMarketValue, equity: cash.plus(longMarketValue), status: account?.status ?? 'active', haltReason: account?.halt_reason ?? null };
  }

  /** Cash, positions and equity = cash + Σ quantity × market price (the older shape of /account and /positions). */
  async view(userId: string) {
    const h = await this.holdings(userId);
    const positions = h.positions.map((p) => ({
      symbol: p.row.symbol,
      quantity: wire(p.quantity),
      availableQuantity: wire(p.quantity.minus(parseDecimal(p.row.reserved))),
      avgPrice: wire(p.avgPrice),
      marketPrice: wireOrNull(p.row.last_price),
      unrealizedPnl: wire(p.unrealizedPnl),
      realizedPnl: wire(p.row.realized_pnl),
    }));
    return { cash: wire(h.cash), reserved: wire(h.reserved), buyingPower: wire(h.cash.minus(h.reserved)), equity: wire(h.equity), positions };
  }

  async positions(userId: string, symbol?: string) {
    const h = await this.holdings(userId, symbol);
    return h.positions.map((p) => ({
      symbol: p.row.symbol,
      quantity: wire(p.quantity),
      availableQuantity: wire(p.quantity.minus(parseDecimal(p.row.reserved))),
      avgEntryPrice: wire(p.avgPrice),
      marketPrice: wireOrNull(p.row.last_price),
      marketValue: wire(p.marketValue),
      costBasis: wire(p.costBasis),
      unrealizedPnl: wire(p.unrealizedPnl),
      unrealizedPnlPct: p.costBasis.isZero() ? '0' : wire(p.unrealizedPnl.div(p.costBasis).times(100).toDecimalPlaces(4)),
      realizedPnl: wire(p.row.realized_pnl),
    }));
  }

  async position(userId: string, symbol: string) {
    const [p] = await this.positions(userId, symbol);
    if (!p) throw new PositionNotFoundError(symbol);
    return p;
  }

  async account(userId: string) {
    const h = await this.holdings(userId);
    return {
      cash: wire(h.cash),
      reservedCash: wire(h.reserved),
      buyingPower: wire(h.cash.minus(h.reserved)),
      longMarketValue: wire(h.longMarketValue),
      equity: wire(h.equity),
      status: h.status,
      haltReason: h.haltReason,
    };
  }

  /** Paper cash: credited at once, recorded in the ledger. */
  async deposit(userId: string, amount: string) {
    return this.move(userId, 'deposit', amount);
  }

  /** Paper cash out: never beyond the cash that no open buy holds. */
  async withdraw(userId: string, amount: string) {
    return this.move(userId, 'withdrawal', amount);
  }

  private move(userId: string, kind: 'deposit' | 'withdrawal', amount: string) {
    return this.em.transactional(async (em) => {
      const at = new Date();
      const held = await this.ledger.lock(em, userId, null);
      const value = parseDecimal(amount);
      const free = held.account.cash.minus(held.account.reservedCash);
      if (kind === 'withdrawal' && value.gt(free)) throw new WithdrawalBeyondFreeCashError(wire(Dec.max(free, 0)));
      const { activityIds } = await this.ledger.post(em, held, [{ kind, amount: value }], { at });
      const { cash, reservedCash } = held.account;
      return { id: activityIds[0]!, amount: wire(amount), at: at.toISOString(), cash: wire(cash), buyingPower: wire(cash.minus(reservedCash)) };
    });
  }

  /** The month's statement (`yyyy-mm`, UTC) as CSV. */
  async statement(userId: string, month: string) {
    const from = new Date(`${month}-01T00:00:00Z`);
    const until = new Date(from);
    until.setUTCMonth(until.getUTCMonth() + 1);
    return statementCsv({ month, ...(await LedgerRepository.month(this.em, userId, from, until)) });
  }

  /** The ledger, newest first: every movement of cash or shares with the cash (and position) after it. */
  async activities(userId: string, q: ActivitiesQuery) {
    const rows = await LedgerRepository.activities(this.em, userId, q);
    return pageOf(rows, q.limit, (r) => r.id, (r) => ({
      id: r.id,
      type: r.type,
      amount: wire(r.amount),
      balanceAfter: wire(r.cash_after),
      symbol: r.symbol,
      side: r.side,
      quantity: wireOrNull(r.quantity),
      price: wireOrNull(r.price),
      positionAfter: wireOrNull(r.quantity_after),
      orderId: r.order_id,
      executionId: r.execution_id,
      at: new Date(r.at).toISOString(),
    }));
  }

  async executions(userId: string, page: PageQuery) {
    const rows = await this.em.execute<ExecutionRow[]>(
      `select * from "trading_data"."execution" where "user_id" = ?${page.cursor ? ' and "id" < ?' : ''} order by "id" desc limit ?`,
      page.cursor ? [userId, page.cursor, page.limit + 1] : [userId, page.limit + 1],
    );
    return pageOf(rows, page.limit, (r) => r.id, (r) => ({
      id: r.id,
      executionId: r.execution_id,
      orderId: r.order_id,
      symbol: r.symbol,
      side: r.side,
      quantity: wire(r.quantity),
      price: wire(r.price),
      venue: r.venue,
      executedAt: new Date(r.executed_at).toISOString(),
    }));
  }
}
