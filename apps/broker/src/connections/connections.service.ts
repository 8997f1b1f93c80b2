import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { query, uuidv7 } from '@alphintra/platform-database';
import { PLATFORM } from '@alphintra/platform-http';
import { kekRingOf, last4, sealCredentials, type KekRing } from '../credentials/envelope';
import type { BrokerEnv } from '../env';
import { VenueRouter, type ConnectionRow } from '../venues/venue-router';
import { ConnectionNotFoundError, SlippageTooHighError, UnknownDefaultConnectionError } from './connections.errors';
import { CONNECTION_COLUMNS, connectionOf, settingsOf } from './connections.repository';
import { connectionView, type ConnectionBody, type SettingsBody } from './dto/connections.dto';

@Injectable()
export class ConnectionsService {
  private readonly ring: KekRing;
  private readonly defaultSlippageBps: number;
  private readonly maxSlippageBps: number;

  constructor(
    private readonly em: EntityManager,
    private readonly router: VenueRouter,
    @Inject(PLATFORM) platform: { env: BrokerEnv },
  ) {
    this.ring = kekRingOf(platform.env);
    this.defaultSlippageBps = platform.env.BROKER_DEFAULT_SLIPPAGE_BPS;
    this.maxSlippageBps = platform.env.BROKER_MAX_SLIPPAGE_BPS;
  }

  async list(userId: string) {
    const rows = await query<ConnectionRow>(this.em, `select ${CONNECTION_COLUMNS} from "broker_data"."connection" where "user_id" = $1 order by "id"`, [userId]);
    return { items: rows.map(connectionView), nextCursor: null };
  }

  /** Paper connections store no credentials (any given are dropped); live ones are sealed under the current KEK. */
  async create(userId: string, body: ConnectionBody) {
    const id = uuidv7();
    const live = body.broker !== 'paper';
    const sealed = live && body.credentials ? sealCredentials(this.ring.current, id, userId, body.credentials) : null;
    const [row] = await query<ConnectionRow>(
      this.em,
      `insert into "broker_data"."connection" ("id", "user_id", "broker", "mode", "label", "api_key_last4", "credentials_ciphertext", "wrapped_data_key", "kek_id", "created_at")
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning ${CONNECTION_COLUMNS}`,
      [id, userId, body.broker, live ? 'live' : 'paper', body.label, sealed ? last4(body.credentials!.apiKey) : null, sealed?.ciphertext ?? null, sealed?.wrappedKey ?? null, sealed?.kekId ?? null, new Date().toISOString()],
    );
    return connectionView(row!);
  }

  async remove(userId: string, id: string): Promise<void> {
    const rows = await query(this.em, `delete from "broker_data"."connection" where "id" = $1 and "user_id" = $2 returning "id"`, [id, userId]);
    if (!rows.length) throw new ConnectionNotFoundError(id);
  }

  async test(userId: string, id: string) {
    const row = await connectionOf(this.em, userId, id);
    if (!row) throw new ConnectionNotFoundError(id);
    try {
      return await this.router.resolve(row).test();
    } catch {
      // The reason (a KEK that does not open the credentials, say) is for operators, never for the answer.
      return { ok: false, detail: 'the connection could not be tested: its credentials cannot be read' };
    }
  }

  async settings(userId: string) {
    const row = await settingsOf(this.em, userId);
    // A row stored before the cap is answered as the venue applies it.
    return { defaultConnectionId: row?.defaultConnectionId ?? null, slippageBps: Math.min(row?.slippageBps ?? this.defaultSlippageBps, this.maxSlippageBps) };
  }

  async replaceSettings(userId: string, body: SettingsBody) {
    if (body.slippageBps > this.maxSlippageBps) throw new SlippageTooHighError(this.maxSlippageBps);
    return this.em.transactional(async (em) => {
      if (body.defaultConnectionId && !(await connectionOf(em, userId, body.defaultConnectionId))) throw new UnknownDefaultConnectionError(body.defaultConnectionId);
      await query(
        em,
        `insert into "broker_data"."settings" ("user_id", "default_connection_id", "slippage_bps", "updated_at") values ($1, $2, $3, $4)
         on conflict ("user_id") do update set "default_connection_id" = excluded."default_connection_id", "slippage_bps" = excluded."slippage_bps", "updated_at" = excluded."updated_at"`,
        [userId, body.defaultConnectionId, body.slippageBps, new Date().toISOString()],
      );
      return { defaultConnectionId: body.defaultConnectionId, slippageBps: body.slippageBps };
    });
  }
}
