import { z } from 'zod';

/** `?limit=&cursor=` of every list; the cursor is the last id of the previous page (ids are UUIDv7). */
export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.uuid().optional(),
});
export type PageQuery = z.infer<typeof pageQuery>;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** `rows` were fetched with `limit + 1` so a further page shows itself without a count. */
export function pageOf<R extends { id: string }, T>(rows: R[], limit: number, toItem: (r: R) => T): Page<T> {
  const items = rows.slice(0, limit);
  return { items: items.map(toItem), nextCursor: rows.length > limit ? items[items.length - 1]!.id : null };
}
