import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { BlacklistAdded, EventData, PositionChanged } from '@alphintra/contracts';
import { upsertIfNewer, type ReplicaTable } from '@alphintra/platform-database';

/**
 * What risk keeps of other services' state: positions (exposure, with the realized P&L and the
 * position as it stood when the UTC day began) and strategy's blacklist. Older facts lose: the
 * blacklist by the replica rule (ADR 0032), positions by the same rule on `changed_at`.
 */
/** A change on a later UTC day than the last: what the row held until now is how the day began. */
const ROLLED = `("exposure"."changed_at" at time zone 'UTC')::date < (excluded."changed_at" at time zone 'UTC')::date`;

const BLACKLIST_REF: ReplicaTable = { schema: 'risk_data', table: 'blacklist_ref', key: 'symbol' };

@Injectable()
export class ReadModels {
  /**
   * The position, and the fill that changed it counted on its order in the same statement, so a
   * sell's shares are never both still held and still to be sold (or neither). least() ignores the
   * null quantity of an order tracked before quantities were kept.
   */
  async position(em: EntityManager, p: EventData<typeof PositionChanged>): Promise<void> {
    await em.execute(
      `with fill as (
         update "risk_data"."order_track" set "filled_quantity" = least("quantity", "filled_quantity" + ?::numeric)
         where "order_id" = ? and "user_id" = ?
       )
       insert into "risk_data"."exposure" ("user_id", "symbol", "quantity", "avg_price", "changed_at", "realized_pnl", "day_start_quantity", "day_start_avg_price", "day_start_realized_pnl")
       values (?, ?, ?, ?, ?, ?, 0, 0, 0)
       on conflict ("user_id", "symbol") do update set "quantity" = excluded."quantity", "avg_price" = excluded."avg_price", "changed_at" = excluded."changed_at", "realized_pnl" = excluded."realized_pnl",
         "day_start_quantity" = case when ${ROLLED} then "exposure"."quantity" else "exposure"."day_start_quantity" end,
         "day_start_avg_price" = case when ${ROLLED} then "exposure"."avg_price" else "exposure"."day_start_avg_price" end,
         "day_start_realized_pnl" = case when ${ROLLED} then coalesce("exposure"."realized_pnl", excluded."realized_pnl") else "exposure"."day_start_realized_pnl" end
       where "exposure"."changed_at" <= excluded."changed_at"`,
      [p.fillQuantity ?? '0', p.orderId ?? null, p.userId, p.userId, p.symbol, p.quantity, p.avgPrice, new Date(p.changedAt).toISOString(), p.realizedPnl],
    );
  }

  /** A removal is a tombstone (not blacklisted), so an older addition delivered after it loses. */
  async blacklist(em: EntityManager, symbol: string, b: EventData<typeof BlacklistAdded> | null, at: Date): Promise<void> {
    await upsertIfNewer(em, BLACKLIST_REF, symbol, at, { set: { blacklisted: b !== null, reason: b?.reason ?? null } });
  }
}
