import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { query } from '@alphintra/platform-database';

export type FeedMode = 'simulated' | 'replay' | 'alpaca' | 'off';

export interface AlpacaSetting {
  feed: 'iex' | 'sip';
  /** null: every listed instrument at the time the feed starts. */
  symbols: string[] | null;
}

/** The alpaca key pair as stored: sealed under strategy's key `keyId` (ADR 0030), with the last four characters of the key id to show. */
export interface SealedAlpacaKey {
  sealed: string;
  keyId: string;
  last4: string;
}

/** What drives prices, as an admin last set it (or the environment at first start). */
export interface FeedSetting {
  mode: FeedMode;
  seed: number | null;
  speed: number;
  replayFrom: string | null;
  alpaca: AlpacaSetting | null;
  alpacaKey: SealedAlpacaKey | null;
  revision: number;
  changedBy: string | null;
  changedAt: string;
}

interface FeedRow {
  mode: FeedMode;
  seed: string | null;
  speed: number;
  replayFrom: string | null;
  alpaca: AlpacaSetting | null;
  alpacaSealed: string | null;
  alpacaKeyId: string | null;
  alpacaKeyLast4: string | null;
  revision: number;
  changedBy: string | null;
  changedAt: string;
  holder: string | null;
  leaseUntil: string | null;
}

const COLUMNS = `"mode", "seed"::text as "seed", "speed", "replay_from"::text as "replayFrom", "alpaca", "alpaca_credentials" as "alpacaSealed",
  "alpaca_credentials_key_id" as "alpacaKeyId", "alpaca_key_last4" as "alpacaKeyLast4", "revision", "changed_by" as "changedBy",
  to_char("changed_at" at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "changedAt", "holder",
  to_char("lease_until" at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "leaseUntil"`;

const setting = ({ alpacaSealed, alpacaKeyId, alpacaKeyLast4, ...r }: FeedRow): FeedSetting & { holder: string | null; leaseUntil: string | null } => ({
  ...r,
  seed: r.seed === null ? null : Number(r.seed),
  alpacaKey: alpacaSealed && alpacaKeyId ? { sealed: alpacaSealed, keyId: alpacaKeyId, last4: alpacaKeyLast4 ?? '' } : null,
});

/** The one row of `market_feed`: the setting and which replica runs the feed (a lease renewed by its holder). */
@Injectable()
export class MarketFeedRepository {
  constructor(private readonly em: EntityManager) {}

  async ensure(initial: Omit<FeedSetting, 'revision' | 'changedBy' | 'changedAt' | 'alpaca' | 'alpacaKey'>): Promise<void> {
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

  /** `alpacaKey`: a new sealed key, null to forget the stored one, or 'keep'. */
  async change(s: Omit<FeedSetting, 'revision' | 'changedAt' | 'alpacaKey'> & { alpacaKey: SealedAlpacaKey | null | 'keep' }) {
    const replace = s.alpacaKey !== 'keep';
    const k = s.alpacaKey === 'keep' ? null : s.alpacaKey;
    const [row] = await query<FeedRow>(
      this.em.fork(),
      `update "strategy_data"."market_feed" set "mode" = $1, "seed" = $2, "speed" = $3, "replay_from" = $4, "changed_by" = $5, "alpaca" = $6::jsonb,
         "alpaca_credentials" = case when $7::boolean then $8::text else "alpaca_credentials" end,
         "alpaca_credentials_key_id" = case when $7::boolean then $9::text else "alpaca_credentials_key_id" end,
         "alpaca_key_last4" = case when $7::boolean then $10::text else "alpaca_key_last4" end,
         "changed_at" = now(), "revision" = "revision" + 1
       where "id" = 1 returning ${COLUMNS}`,
      [s.mode, s.seed, s.speed, s.replayFrom, s.changedBy, s.alpaca ? JSON.stringify(s.alpaca) : null, replace, k?.sealed ?? null, k?.keyId ?? null, k?.last4 ?? null],
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
