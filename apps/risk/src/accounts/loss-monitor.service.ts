import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Dec, formatDecimal } from '@alphintra/money';
import { RISK_ACTOR } from '../assessments/assessments.service';
import { AccountStates } from './account-states';
import { dailyLossBreach, dailyPnl, drawdownBreach, drawdownPct, standing, type Breach, type Holding } from './loss-limits';

const utcDay = (t: Date) => t.toISOString().slice(0, 10);

interface Limits {
  dailyLossLimit: string | null;
  maxDrawdownPct: string | null;
  state: string | null;
  lossHaltedOn: string | null;
  drawdownEpoch: number;
}

/**
 * The loss limits: after every position change and every price of a held symbol, the account's
 * P&L of the UTC day and its drawdown; a breach halts the account by itself, with the figures.
 */
@Injectable()
export class LossMonitor {
  constructor(private readonly states: AccountStates) {}

  /** The last price of a symbol, remembering the last one before the UTC day began. Older prices lose. */
  async price(em: EntityManager, symbol: string, price: string, at: Date): Promise<void> {
    await em.execute(
      `insert into "risk_data"."market_price" ("symbol", "price", "at") values (?, ?, ?)
       on conflict ("symbol") do update set "price" = excluded."price", "at" = excluded."at",
         "day_start_price" = case when ("market_price"."at" at time zone 'UTC')::date < (excluded."at" at time zone 'UTC')::date then "market_price"."price" else "market_price"."day_start_price" end
       where "market_price"."at" <= excluded."at"`,
      [symbol, price, at.toISOString()],
    );
    const users = await em.execute<{ user_id: string }[]>(
      `select e."user_id" from "risk_data"."exposure" e
       join "risk_data"."risk_limit" l on l."user_id" = e."user_id" and (l."daily_loss_limit" is not null or l."max_drawdown_pct" is not null)
       left join "risk_data"."account_state" s on s."user_id" = e."user_id"
       where e."symbol" = ? and e."quantity" <> 0 and s."state" is distinct from 'halted'
       order by e."user_id"`,
      [symbol],
    );
    await this.check(em, users.map((u) => u.user_id), utcDay(at));
  }

  async positionChanged(em: EntityManager, userId: string, at: Date): Promise<void> {
    await this.check(em, [userId], utcDay(at));
  }

  /** What GET /risk/accounts/{userId} shows of the loss limits, as of now. */
  async figures(em: EntityManager, userId: string, now: Date) {
    const day = utcDay(now);
    const limits = await this.limits(em, userId);
    const holdings = await this.holdings(em, userId, day);
    const pnl = dailyPnl(holdings);
    let drawdown: string | null = null;
    if (limits?.maxDrawdownPct) {
      const [p] = await em.execute<{ pnl_peak: string; capital_peak: string; epoch: number }[]>(
        `select "pnl_peak"::text, "capital_peak"::text, "epoch" from "risk_data"."account_pnl" where "user_id" = ?`,
        [userId],
      );
      const s = standing(holdings);
      const peaks = p && p.epoch === limits.drawdownEpoch ? { pnlPeak: Dec.max(p.pnl_peak, s.pnl), capitalPeak: Dec.max(p.capital_peak, s.costBasis) } : { pnlPeak: s.pnl, capitalPeak: s.costBasis };
      drawdown = formatDecimal(drawdownPct(s.pnl, peaks), 4);
    }
    return {
      dailyLossLimit: limits?.dailyLossLimit ? formatDecimal(new Dec(limits.dailyLossLimit)) : null,
      maxDrawdownPct: limits?.maxDrawdownPct ? formatDecimal(new Dec(limits.maxDrawdownPct)) : null,
      today: { date: day, realizedPnl: formatDecimal(pnl.realized), unrealizedPnl: formatDecimal(pnl.unrealized), pnl: formatDecimal(pnl.total) },
      drawdownPct: drawdown,
    };
  }

  /**
   * First every account's figures and drawdown peaks (row locks on account_pnl only, in user
   * order), then the halts (the compliance log's lock, then each account's): a holder of the log
   * lock never waits for an account_pnl row, so the two phases cannot deadlock with anyone.
   */
  private async check(em: EntityManager, userIds: string[], day: string): Promise<void> {
    const breaches: { userId: string; breach: Breach }[] = [];
    for (const userId of userIds) {
      const limits = await this.limits(em, userId);
      if (!limits || limits.state === 'halted' || (!limits.dailyLossLimit && !limits.maxDrawdownPct)) continue;
      const holdings = await this.holdings(em, userId, day);
      const loss = limits.lossHaltedOn === day ? null : dailyLossBreach(day, dailyPnl(holdings), limits.dailyLossLimit);
      const breach = loss ?? (limits.maxDrawdownPct ? await this.drawdown(em, userId, holdings, limits) : null);
      if (breach) breaches.push({ userId, breach });
    }
    for (const { userId, breach } of breaches) {
      await this.states.change(
        em,
        userId,
        (current) => (current.state === 'halted' || (breach.trigger === 'daily_loss_limit' && current.lossHaltedOn === day) ? null : { state: 'halted', reason: breach.reason, trigger: breach.trigger, actor: RISK_ACTOR, cancelOpenOrders: true, flatten: false }),
        breach.trigger === 'daily_loss_limit' ? { lossHaltedOn: day } : {},
      );
    }
  }

  /** Moves the peaks (restarted when a drawdown halt was lifted since) and answers a breach. */
  private async drawdown(em: EntityManager, userId: string, holdings: Holding[], limits: Limits): Promise<Breach | null> {
    const s = standing(holdings);
    const [p] = await em.execute<{ pnl_peak: string; capital_peak: string }[]>(
      `insert into "risk_data"."account_pnl" ("user_id", "epoch", "pnl_peak", "capital_peak", "updated_at") values (?, ?, ?, ?, now())
       on conflict ("user_id") do update set
         "pnl_peak" = case when "account_pnl"."epoch" = excluded."epoch" then greatest("account_pnl"."pnl_peak", excluded."pnl_peak") else excluded."pnl_peak" end,
         "capital_peak" = case when "account_pnl"."epoch" = excluded."epoch" then greatest("account_pnl"."capital_peak", excluded."capital_peak") else excluded."capital_peak" end,
         "epoch" = excluded."epoch", "updated_at" = excluded."updated_at"
       returning "pnl_peak"::text, "capital_peak"::text`,
      [userId, limits.drawdownEpoch, formatDecimal(s.pnl), formatDecimal(s.costBasis)],
    );
    const peaks = { pnlPeak: new Dec(p!.pnl_peak), capitalPeak: new Dec(p!.capital_peak) };
    return drawdownBreach(drawdownPct(s.pnl, peaks), s.pnl, peaks, limits.maxDrawdownPct);
  }

  private async limits(em: EntityManager, userId: string): Promise<Limits | undefined> {
    const [r] = await em.execute<Limits[]>(
      `select l."daily_loss_limit"::text as "dailyLossLimit", l."max_drawdown_pct"::text as "maxDrawdownPct", s."state", s."loss_halted_on"::text as "lossHaltedOn",
              coalesce(s."drawdown_epoch", 0) as "drawdownEpoch"
       from "risk_data"."risk_limit" l left join "risk_data"."account_state" s on s."user_id" = l."user_id" where l."user_id" = ?`,
      [userId],
    );
    return r;
  }

  /** The account's positions now and at the start of the day (a row not changed today started it as it is). */
  private async holdings(em: EntityManager, userId: string, day: string): Promise<Holding[]> {
    const rows = await em.execute<(Omit<Holding, 'start'> & { startQuantity: string; startAvgPrice: string; startRealizedPnl: string })[]>(
      `select e."symbol", e."quantity"::text as "quantity", e."avg_price"::text as "avgPrice", coalesce(e."realized_pnl", 0)::text as "realizedPnl",
              (case when t."today" then coalesce(e."day_start_quantity", e."quantity") else e."quantity" end)::text as "startQuantity",
              (case when t."today" then coalesce(e."day_start_avg_price", e."avg_price") else e."avg_price" end)::text as "startAvgPrice",
              (case when t."today" then coalesce(e."day_start_realized_pnl", e."realized_pnl", 0) else coalesce(e."realized_pnl", 0) end)::text as "startRealizedPnl",
              p."price"::text as "price",
              (case when (p."at" at time zone 'UTC')::date >= ?::date then p."day_start_price" else p."price" end)::text as "startPrice"
       from "risk_data"."exposure" e
       cross join lateral (select (e."changed_at" at time zone 'UTC')::date >= ?::date as "today") t
       left join "risk_data"."market_price" p on p."symbol" = e."symbol"
       where e."user_id" = ?`,
      [day, day, userId],
    );
    return rows.map(({ startQuantity, startAvgPrice, startRealizedPnl, ...h }) => ({ ...h, start: { quantity: startQuantity, avgPrice: startAvgPrice, realizedPnl: startRealizedPnl } }));
  }
}
