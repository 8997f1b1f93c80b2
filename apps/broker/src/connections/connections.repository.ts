import type { EntityManager } from '@mikro-orm/postgresql';
import { query } from '@alphintra/platform-database';
import type { ConnectionRow } from '../venues/venue-router';

export const CONNECTION_COLUMNS = `"id", "user_id" as "userId", "broker", "mode", "label", "api_key_last4" as "apiKeyLast4",
  "credentials_ciphertext" as "credentialsCiphertext", "wrapped_data_key" as "wrappedDataKey", "kek_id" as "kekId", "created_at" as "createdAt"`;

export async function connectionOf(em: EntityManager, userId: string, id: string): Promise<ConnectionRow | null> {
  const [row] = await query<ConnectionRow>(em, `select ${CONNECTION_COLUMNS} from "broker_data"."connection" where "id" = $1 and "user_id" = $2`, [id, userId]);
  return row ?? null;
}

export interface SettingsRow {
  defaultConnectionId: string | null;
  slippageBps: number;
}

export async function settingsOf(em: EntityManager, userId: string): Promise<SettingsRow | null> {
  const [row] = await query<SettingsRow>(em, `select "default_connection_id" as "defaultConnectionId", "slippage_bps" as "slippageBps" from "broker_data"."settings" where "user_id" = $1`, [
    userId,
  ]);
  return row ?? null;
}
