import { z } from 'zod';
import type { StoredEntry } from '../hash-chain';

export const logsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  /** The last seq of the previous page. */
  cursor: z.string().regex(/^[1-9]\d{0,18}$/, 'must be the nextCursor of a previous page').optional(),
});
export type LogsQuery = z.infer<typeof logsQuery>;

export const logEntryView = (e: StoredEntry) => ({
  seq: e.seq,
  at: e.at.toISOString(),
  actor: e.actor,
  kind: e.kind,
  subject: e.subject,
  payload: e.payload,
  prevHash: e.prevHash,
  hash: e.hash,
});
