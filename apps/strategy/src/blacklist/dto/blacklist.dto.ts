import { z } from 'zod';
import { limitParam } from '../../common/page';
import { symbolField } from '../../instruments/dto/instrument.dto';
import type { BlacklistEntry } from '../blacklist-entry.entity';

export const newBlacklistEntry = z.object({ symbol: symbolField, reason: z.string().trim().min(1).max(500).nullable().default(null) }).strict();
export type NewBlacklistEntry = z.infer<typeof newBlacklistEntry>;

export const blacklistQuery = z.object({ limit: limitParam(), cursor: symbolField.optional() });
export type BlacklistQuery = z.infer<typeof blacklistQuery>;

export const blacklistView = (e: BlacklistEntry) => ({ symbol: e.symbol, reason: e.reason ?? null, addedBy: e.addedBy, addedAt: e.addedAt.toISOString() });
