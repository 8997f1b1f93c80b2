import { z } from 'zod';

/** `?limit=` of a list (API.md: default 50, max 500). */
export const limitParam = (max = 500, fallback = 50) => z.coerce.number().int().min(1).max(max).default(fallback);

/** `?limit=&cursor=` where the cursor is the last id of the previous page (ids are UUIDv7, time-ordered). */
export const pageQuery = z.object({ limit: limitParam(), cursor: z.uuid().optional() });
export type PageQuery = z.infer<typeof pageQuery>;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** `rows` were fetched with `limit + 1`, so a further page shows itself without a count. */
export function pageOf<R, T>(rows: R[], limit: number, keyOf: (r: R) => string, toItem: (r: R) => T): Page<T> {
  const items = rows.slice(0, limit);
  return { items: items.map(toItem), nextCursor: rows.length > limit ? keyOf(items[items.length - 1]!) : null };
}
