import { Injectable } from '@nestjs/common';
import { EntityManager, type FilterQuery } from '@mikro-orm/postgresql';
import { AssessmentApproved, AssessmentRejected, type EventData, type OrderSubmitted, type OrderSubmittedV2 } from '@alphintra/contracts';
import type { Principal } from '@alphintra/platform-auth';
import { formatDecimal } from '@alphintra/money';
import { OutboxPublisher } from '@alphintra/platform-messaging';
import { TextArrayType, uuidv7 } from '@alphintra/platform-database';
import { pageOf } from '@alphintra/platform-http';
import { ACTIVE, type AccountStanding } from '../accounts/account-state';
import { COMPLIANCE_LOG_LOCK, ComplianceLog } from '../compliance/compliance-log';
import { LimitsService } from '../limits/limits.service';
import { assessmentView, type AssessmentsQuery } from './dto/assessments.dto';
import { RiskAssessment } from './risk-assessment.entity';
import { evaluate, valuationPrice } from './rules';

const TEXT_ARRAY = new TextArrayType();

/** The risk service itself, as the actor of the log entries of its decisions. */
export const RISK_ACTOR = 'risk-service';

@Injectable()
export class AssessmentsService {
  constructor(
    private readonly em: EntityManager,
    private readonly outbox: OutboxPublisher,
    private readonly log: ComplianceLog,
    private readonly limits: LimitsService,
  ) {}

  /**
   * Decides on a submitted order inside the consumer's inbox transaction: the assessment, its
   * event and its compliance log entry commit together. An order already assessed (the same
   * event redelivered, or a copy under another id) has no second effect.
   */
  async assess(o: EventData<typeof OrderSubmitted> | EventData<typeof OrderSubmittedV2>, em: EntityManager): Promise<void> {
    // Every assessment appends to the compliance log: its lock first, then the account's (whose
    // counts must not race between two of its orders on different partitions). The reads come
    // after, in statements of their own, so their snapshots see what the last holder committed.
    await em.execute(`select pg_advisory_xact_lock(?), pg_advisory_xact_lock(hashtext(?))`, [COMPLIANCE_LOG_LOCK, `risk:account:${o.userId}`]);
    const submittedAt = new Date(o.submittedAt).toISOString();
    // One round trip for every fact the rules need (the order's own track row is not among them).
    const [facts] = await em.execute<{
      done: boolean;
      open: string;
      today: string;
      openSells: string;
      quantity: string | null;
      blacklisted: boolean;
      reason: string | null;
      account: AccountStanding | null;
    }[]>(
      `select exists (select 1 from "risk_data"."risk_assessment" where "order_id" = ?) as "done",
              t."open", t."today", t."openSells",
              (select json_build_object('state', "state", 'reason', "reason", 'flatten', "flatten") from "risk_data"."account_state" where "user_id" = ?) as "account",
              (select "quantity"::text from "risk_data"."exposure" where "user_id" = ? and "symbol" = ?) as "quantity",
              b."symbol" is not null as "blacklisted", b."reason"
       from (select count(*) filter (where "open")::text as "open",
                    count(*) filter (where "submitted_at" >= date_trunc('day', ?::timestamptz at time zone 'UTC') at time zone 'UTC'
                                       and "submitted_at" < (date_trunc('day', ?::timestamptz at time zone 'UTC') + interval '1 day') at time zone 'UTC')::text as "today",
                    coalesce(sum(greatest("quantity" - "filled_quantity", 0)) filter (where "open" and "side" = 'sell' and "symbol" = ?), 0)::text as "openSells"
             from "risk_data"."order_track" where "user_id" = ? and "order_id" <> ?) t
       left join "risk_data"."blacklist_ref" b on b."symbol" = ? and b."blacklisted"`,
      [o.orderId, o.userId, o.userId, o.symbol, submittedAt, submittedAt, o.symbol, o.userId, o.orderId, o.symbol],
    );
    if (facts!.done) return;

    const outcome = evaluate({
      order: o,
      limits: await this.limits.effective(em, o.userId),
      caps: this.limits.caps,
      positionQuantity: facts!.quantity ?? '0',
      openSellQuantity: facts!.openSells,
      openOrders: Number(facts!.open),
      ordersToday: Number(facts!.today),
      blacklisted: facts!.blacklisted ? { reason: facts!.reason } : null,
      account: facts!.account ?? ACTIVE,
    });

    const assessedAt = new Date();
    const assessmentId = uuidv7(assessedAt.getTime());
    const decision = outcome.approved ? 'approved' : 'rejected';
    // The order's track row (a rejected order will never be open; trading's own
    // trading.order.rejected later changes nothing more) and the assessment, in one statement.
    await em.execute(
      `with track as (
         insert into "risk_data"."order_track" ("order_id", "user_id", "submitted_at", "open", "closed_by", "symbol", "side", "quantity") values (?, ?, ?, ?, ?, ?, ?, ?)
         on conflict ("order_id") do update set "open" = "order_track"."open" and excluded."open", "closed_by" = coalesce("order_track"."closed_by", excluded."closed_by"),
           "symbol" = excluded."symbol", "side" = excluded."side", "quantity" = excluded."quantity"
       )
       insert into "risk_data"."risk_assessment" ("id", "order_id", "user_id", "symbol", "decision", "rules", "reasons", "assessed_at") values (?, ?, ?, ?, ?, ?::jsonb, ?::text[], ?)`,
      [
        o.orderId,
        o.userId,
        submittedAt,
        outcome.approved,
        outcome.approved ? null : 'risk.assessment.rejected',
        o.symbol,
        o.side,
        o.quantity,
        assessmentId,
        o.orderId,
        o.userId,
        o.symbol,
        decision,
        JSON.stringify(outcome.rules),
        TEXT_ARRAY.convertToDatabaseValue(outcome.reasons),
        assessedAt.toISOString(),
      ],
    );

    const base = { assessmentId, orderId: o.orderId, userId: o.userId, rules: outcome.rules, assessedAt: assessedAt.toISOString() };
    if (outcome.approved) await this.outbox.record(em, AssessmentApproved, o.orderId, base);
    else await this.outbox.record(em, AssessmentRejected, o.orderId, { ...base, reasons: outcome.reasons });
    await this.log.append(em, {
      actor: RISK_ACTOR,
      kind: `risk.assessment.${decision}`,
      subject: o.orderId,
      payload: {
        ...base,
        symbol: o.symbol,
        side: o.side,
        quantity: o.quantity,
        referencePrice: o.referencePrice,
        valuationPrice: formatDecimal(valuationPrice(o)),
        decision,
        reasons: outcome.reasons,
      },
    });
  }

  /** filled / rejected / cancelled / expired: the order no longer counts as open. An unknown order is remembered closed. */
  async closeOrder(em: EntityManager, orderId: string, userId: string, by: string, at: string): Promise<void> {
    await em.execute(
      `insert into "risk_data"."order_track" ("order_id", "user_id", "submitted_at", "open", "closed_by") values (?, ?, ?, false, ?)
       on conflict ("order_id") do update set "open" = false, "closed_by" = coalesce("order_track"."closed_by", excluded."closed_by")`,
      [orderId, userId, new Date(at).toISOString(), by],
    );
  }

  async list(user: Principal, q: AssessmentsQuery) {
    const seesAll = user.roles.includes('compliance') || user.roles.includes('admin');
    const where: FilterQuery<RiskAssessment> = {
      ...(seesAll ? {} : { userId: user.userId }),
      ...(q.orderId && { orderId: q.orderId }),
      ...(q.cursor && { id: { $gt: q.cursor } }),
    };
    const rows = await this.em.find(RiskAssessment, where, { orderBy: { id: 'asc' }, limit: q.limit + 1 });
    return pageOf(rows, q.limit, (r) => r.id, assessmentView);
  }
}
