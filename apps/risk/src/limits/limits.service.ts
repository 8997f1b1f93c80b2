import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { PLATFORM } from '@alphintra/platform-http';
import type { EffectiveLimits, PlatformCaps, Side } from '../assessments/rules';
import { ComplianceLog } from '../compliance/compliance-log';
import type { RiskEnv } from '../env';
import { limitsView, type LimitsBody } from './dto/limits.dto';
import { RiskLimit } from './risk-limit.entity';

const effectiveOf = (r: RiskLimit): EffectiveLimits => ({
  maxOrderNotional: r.maxOrderNotional,
  maxPositionNotional: r.maxPositionNotional,
  maxOpenOrders: r.maxOpenOrders,
  maxOrdersPerDay: r.maxOrdersPerDay,
  allowedSides: r.allowedSides as Side[],
  allowedSymbols: r.allowedSymbols ?? null,
  dailyLossLimit: r.dailyLossLimit ?? null,
  maxDrawdownPct: r.maxDrawdownPct ?? null,
});

@Injectable()
export class LimitsService {
  private readonly defaults: EffectiveLimits;
  readonly caps: PlatformCaps;

  constructor(
    private readonly em: EntityManager,
    private readonly log: ComplianceLog,
    @Inject(PLATFORM) platform: { env: RiskEnv },
  ) {
    const env = platform.env;
    this.defaults = {
      maxOrderNotional: env.RISK_DEFAULT_MAX_ORDER_NOTIONAL,
      maxPositionNotional: env.RISK_DEFAULT_MAX_POSITION_NOTIONAL,
      maxOpenOrders: env.RISK_DEFAULT_MAX_OPEN_ORDERS,
      maxOrdersPerDay: env.RISK_DEFAULT_MAX_ORDERS_PER_DAY,
      allowedSides: env.RISK_DEFAULT_ALLOWED_SIDES,
      allowedSymbols: null,
      dailyLossLimit: null,
      maxDrawdownPct: null,
    };
    this.caps = { maxOrderQuantity: env.RISK_MAX_ORDER_QUANTITY, maxOrderNotional: env.RISK_MAX_ORDER_NOTIONAL };
  }

  /** The limits an order of this account is checked against. */
  async effective(em: EntityManager, userId: string): Promise<EffectiveLimits> {
    const row = await em.findOne(RiskLimit, userId);
    return row ? effectiveOf(row) : this.defaults;
  }

  async view(userId: string) {
    const row = await this.em.findOne(RiskLimit, userId);
    return row ? limitsView(userId, effectiveOf(row), 'account', row.updatedAt, row.updatedBy) : limitsView(userId, this.defaults, 'default', null, null);
  }

  /** Replaces an account's limits; the change and its compliance log entry commit together. */
  async replace(userId: string, body: LimitsBody, actor: string) {
    return this.em.transactional(async (em) => {
      const before = await em.findOne(RiskLimit, userId);
      const beforeView = before ? limitsView(userId, effectiveOf(before), 'account', before.updatedAt, before.updatedBy) : limitsView(userId, this.defaults, 'default', null, null);
      const row = await em.upsert(RiskLimit, { userId, ...body, dailyLossLimit: body.dailyLossLimit ?? null, maxDrawdownPct: body.maxDrawdownPct ?? null, updatedBy: actor, updatedAt: new Date() });
      const after = limitsView(userId, effectiveOf(row), 'account', row.updatedAt, row.updatedBy);
      await this.log.append(em, { actor, kind: 'risk.limits.changed', subject: userId, payload: { before: beforeView, after } });
      return after;
    });
  }
}
