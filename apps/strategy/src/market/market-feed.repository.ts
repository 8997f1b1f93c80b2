import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { query } from '@alphintra/platform-database';

export type FeedMode = 'simulated' | 'replay' | 'off';

/** What drives prices, as an admin last set it (or the environment at first start). */
export interface FeedSetting {
  mode: FeedMode;
  seed: number | null;
  speed: number;
  replayFrom: string | null;
  revision: number;
  changedBy: string | null;
  changedAt: string;
}

interface FeedRow {
  mode: FeedMode;
  seed: string | null;
  speed: number;
  replayFrom: string | null;
  revision: number;
  changedBy: string | null;
  changedAt: string;
  holder: string | null;
  leaseUntil: string | null;
}

const COLUMNS = `"mode", "seed"::text as "seed", "speed", "replay_from"::text as "replayFrom", "revision", "changed_by" as "changedBy",
  to_char("changed_at" at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "changedAt", "holder",
  to_char("lease_until" at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "leaseUntil"`;

const setting = (r: FeedRow): FeedSetting & { holder: string | null; leaseUntil: string | null } => ({ ...r, seed: r.seed === null ? null : Number(r.seed) });

/** The one row of `market_feed`: the setting and which replica runs the feed (a lease renewed by its holder). */
@Injectable()
export class MarketFeedRepository {
  constructor(private readonly em: EntityManager) {}

  async ensure(initial: Omit<FeedSetting, 'revision' | 'changedBy' | 'changedAt'>): Promise<void> {
    await query(
      this.em.fork(),
      `insert into "strategy_data"."market_feed" ("id", "mode", "seed", "speed", "replay_from") values (1, $1, $2, $3, $4) on conflict ("id") do nothing`,
      [initial.mode, initial.seed, initial.speed, initial.replayFrom],
    );
  }

  async read() {
    const [row] = await query<FeedRow>(this.em.fork(), `select ${COLUMNS} from "strategy_data"."market_feed" where "id" = 1`);
    return setting(row!);
  }

  async change(s: Omit<FeedSetting, 'revision' | 'changedAt'>) {
    const [row] = await query<FeedRow>(
      this.em.fork(),
      `update "strategy_data"."market_feed" set "mode" = $1, "seed" = $2, "speed" = $3, "replay_from" = $4, "changed_by" = $5, "changed_at" = now(), "revision" = "revision" + 1
       where "id" = 1 returning ${COLUMNS}`,
      [s.mode, s.seed, s.speed, s.replayFrom, s.changedBy],
    );
    return setting(row!);
  }

  /** Takes or renews the lease for `holder`; answers the setting if it holds it, null if another replica does. */
  async lease(holder: string, seconds: number) {
    const [row] = await query<FeedRow>(
      this.em.fork(),
      `update "strategy_data"."market_feed" set "holder" = $1, "lease_until" = now() + make_interval(secs => $2)
       where "id" = 1 and ("holder" = $1 or "holder" is null or "lease_until" < now()) returning ${COLUMNS}`,
      [holder, seconds],
    );
    return row ? setting(row) : null;
  }

  async release(holder: string): Promise<void> {
    await query(this.em.fork(), `update "strategy_data"."market_feed" set "holder" = null, "lease_until" = null where "id" = 1 and "holder" = $1`, [holder]);
  }
}
