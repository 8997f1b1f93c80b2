import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * A screener that uses a retired filter is kept but disabled, with the reason; once none of
 * its filters is retired (a filter defined again) it is enabled. Returns the screeners changed.
 */
export async function refreshScreenerAvailability(em: EntityManager, filterIds: string[]): Promise<string[]> {
  if (filterIds.length === 0) return [];
  const rows = await em.execute<{ id: string }[]>(
    `with affected as (
       select "screener_id" as id from "user_data"."custom_screener_numeric" where "numeric_filter_id" = any(array[?]::uuid[])
       union select "screener_id" from "user_data"."custom_screener_categorical" where "categorical_filter_id" = any(array[?]::uuid[])
     ), reasons as (
       select a.id, (select 'retired filters: ' || string_agg(f."key", ', ' order by f."key")
                     from (select "numeric_filter_id" as fid from "user_data"."custom_screener_numeric" where "screener_id" = a.id
                           union select "categorical_filter_id" from "user_data"."custom_screener_categorical" where "screener_id" = a.id) used
                     join "user_data"."filter_ref" f on f."id" = used.fid and f."status" = 'retired') as reason
       from affected a
     )
     update "user_data"."custom_screener" s set "disabled_reason" = r.reason
     from reasons r where s."id" = r.id and s."disabled_reason" is distinct from r.reason
     returning s."id"`,
    [filterIds, filterIds],
  );
  return rows.map((r) => r.id);
}
