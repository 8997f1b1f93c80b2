import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AccountStateChanged, type EventData } from '@alphintra/contracts';
import { OutboxPublisher } from '@alphintra/platform-messaging';
import { COMPLIANCE_LOG_LOCK, ComplianceLog } from '../compliance/compliance-log';
import { ACTIVE, type AccountStateRow } from './account-state';

export type Change = Omit<EventData<typeof AccountStateChanged>, 'userId' | 'previousState' | 'version' | 'at'>;

interface Row {
  state: AccountStateRow['state'];
  reason: string;
  trigger: AccountStateRow['trigger'];
  actor: string;
  cancel_open_orders: boolean;
  flatten: boolean;
  version: number;
  changed_at: Date | string;
  loss_halted_on: string | null;
  drawdown_epoch: number;
}

const rowOf = (r: Row | undefined): AccountStateRow =>
  r
    ? {
        state: r.state,
        reason: r.reason,
        trigger: r.trigger,
        actor: r.actor,
        cancelOpenOrders: r.cancel_open_orders,
        flatten: r.flatten,
        version: r.version,
        changedAt: new Date(r.changed_at),
        lossHaltedOn: r.loss_halted_on,
        drawdownEpoch: r.drawdown_epoch,
      }
    : ACTIVE;

/** Every change of an account's state goes through here: the row, its event and its compliance log entry together. */
@Injectable()
export class AccountStates {
  constructor(
    private readonly outbox: OutboxPublisher,
    private readonly log: ComplianceLog,
  ) {}

  async read(em: EntityManager, userId: string): Promise<AccountStateRow> {
    const [r] = await em.execute<Row[]>(
      `select "state", "reason", "trigger", "actor", "cancel_open_orders", "flatten", "version", "changed_at", "loss_halted_on"::text, "drawdown_epoch"
       from "risk_data"."account_state" where "user_id" = ?`,
      [userId],
    );
    return rowOf(r);
  }

  /**
   * Changes an account's state inside the caller's transaction: the compliance log's lock, then
   * the account's (the order of every risk writer), then the current state, which `decide` turns
   * into the change (or null: nothing to do). The state, its event and its log entry commit together.
   */
  async change(em: EntityManager, userId: string, decide: (current: AccountStateRow) => Change | null, o: { lossHaltedOn?: string } = {}) {
    await em.execute(`select pg_advisory_xact_lock(?), pg_advisory_xact_lock(hashtext(?))`, [COMPLIANCE_LOG_LOCK, `risk:account:${userId}`]);
    const current = await this.read(em, userId);
    const next = decide(current);
    if (!next) return null;
    const at = new Date();
    const version = current.version + 1;
    // Lifting a drawdown halt starts the drawdown afresh; lifting a daily-loss halt keeps the day
    // it fired on, so the same day's loss does not halt the account again.
    const drawdownEpoch = current.drawdownEpoch + (next.state === 'active' && current.trigger === 'max_drawdown' ? 1 : 0);
    await em.execute(
      `insert into "risk_data"."account_state" ("user_id", "state", "reason", "trigger", "actor", "cancel_open_orders", "flatten", "version", "changed_at", "loss_halted_on", "drawdown_epoch")
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       on conflict ("user_id") do update set "state" = excluded."state", "reason" = excluded."reason", "trigger" = excluded."trigger", "actor" = excluded."actor",
         "cancel_open_orders" = excluded."cancel_open_orders", "flatten" = excluded."flatten", "version" = excluded."version", "changed_at" = excluded."changed_at",
         "loss_halted_on" = excluded."loss_halted_on", "drawdown_epoch" = excluded."drawdown_epoch"`,
      [userId, next.state, next.reason, next.trigger, next.actor, next.cancelOpenOrders, next.flatten, version, at.toISOString(), o.lossHaltedOn ?? current.lossHaltedOn, drawdownEpoch],
    );
    const event = { userId, previousState: current.state, ...next, version, at: at.toISOString() };
    await this.outbox.record(em, AccountStateChanged, userId, event);
    await this.log.append(em, { actor: next.actor, kind: AccountStateChanged.type, subject: userId, payload: event });
    return this.read(em, userId);
  }

}
