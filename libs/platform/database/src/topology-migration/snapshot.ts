import { createHash } from 'node:crypto';
import type { Client } from 'pg';

/** What a schema holds, in terms that compare across databases: rows, sequence values, structure. */
export interface SchemaSnapshot {
  tables: Map<string, { rows: number; checksum: string }>;
  sequences: Map<string, string>;
  /** One line per column, constraint, index, trigger, function, owner and grant. */
  structure: string[];
}

const q = (s: string): string => `"${s.replace(/"/g, '""')}"`;

/** Row text (`t::text`) depends on these; both sides of a comparison use the same. */
export const CANONICAL_SESSION = `set time zone 'UTC'; set datestyle = 'ISO, YMD'; set intervalstyle = 'postgres'; set extra_float_digits = 3; set bytea_output = 'hex'`;

const BATCH = 10_000;

/**
 * Reads the snapshot in one repeatable-read transaction. A table's checksum is
 * md5(md5(row 1) || md5(row 2) || …) with rows ordered by the primary key (text keys in the
 * "C" collation, so the order does not depend on the database's collation; tables without a
 * key by the row text); rows stream through a cursor, so table size is no limit.
 */
export async function snapshotSchema(c: Client, schema: string): Promise<SchemaSnapshot> {
  await c.query(CANONICAL_SESSION);
  await c.query('begin isolation level repeatable read read only');
  try {
    const tables = new Map<string, { rows: number; checksum: string }>();
    for (const t of await tablesOf(c, schema)) tables.set(t.name, await checksum(c, schema, t.name, t.key));
    const sequences = new Map<string, string>(
      (await c.query<{ name: string; value: string | null }>('select sequencename as name, last_value::text as value from pg_sequences where schemaname = $1', [schema])).rows.map(
        (r) => [r.name, r.value ?? 'unused'],
      ),
    );
    const structure = (await c.query<{ line: string }>(STRUCTURE_SQL, [schema])).rows.map((r) => r.line).sort();
    return { tables, sequences, structure };
  } finally {
    await c.query('commit');
  }
}

async function tablesOf(c: Client, schema: string): Promise<{ name: string; key: { name: string; collatable: boolean }[] }[]> {
  const { rows } = await c.query(
    `select c.relname as name,
            coalesce((select json_agg(json_build_object('name', a.attname, 'collatable', a.attcollation <> 0) order by k.ord)
                        from pg_index i cross join unnest(i.indkey) with ordinality k(attnum, ord)
                        join pg_attribute a on a.attrelid = c.oid and a.attnum = k.attnum
                       where i.indrelid = c.oid and i.indisprimary), '[]') as key
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = $1 and c.relkind in ('r', 'p')
      order by c.relname collate "C"`,
    [schema],
  );
  return rows;
}

async function checksum(c: Client, schema: string, table: string, key: { name: string; collatable: boolean }[]): Promise<{ rows: number; checksum: string }> {
  const order = key.length ? key.map((k) => `t.${q(k.name)}${k.collatable ? ' collate "C"' : ''}`).join(', ') : 't::text collate "C"';
  const cursor = `checksum_${createHash('md5').update(table).digest('hex').slice(0, 12)}`;
  await c.query(`declare ${cursor} no scroll cursor for select md5(t::text) as h from ${q(schema)}.${q(table)} t order by ${order}`);
  const hash = createHash('md5');
  let rows = 0;
  for (;;) {
    const batch = await c.query<{ h: string }>(`fetch ${BATCH} from ${cursor}`);
    for (const r of batch.rows) hash.update(r.h);
    rows += batch.rows.length;
    if (batch.rows.length < BATCH) break;
  }
  await c.query(`close ${cursor}`);
  return { rows, checksum: hash.digest('hex') };
}

/** Sorted ACL items; a NULL ACL (the owner's defaults, as pg_restore leaves it) spelled out as `acldefault`. */
const ACL = (col: string) => `coalesce((select string_agg(x::text, ',' order by x::text) from unnest(${col}) x), '-')`;

const STRUCTURE_SQL = `
  select 'schema owner ' || n.nspowner::regrole || ' acl ' || ${ACL(`coalesce(n.nspacl, acldefault('n', n.nspowner))`)} as line
    from pg_namespace n where n.nspname = $1
  union all
  select 'relation ' || c.relkind::text || ' ' || c.relname || ' owner ' || c.relowner::regrole || ' acl ' || ${ACL(`coalesce(c.relacl, acldefault(case when c.relkind = 'S' then 's' else 'r' end::"char", c.relowner))`)}
    from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = $1
  union all
  select 'column ' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
         || case when a.attnotnull then ' not null' else '' end
         || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '')
         || case when a.attidentity <> '' then ' identity ' || a.attidentity::text else '' end
         || case when a.attgenerated <> '' then ' generated ' || a.attgenerated::text else '' end
         || ' acl ' || ${ACL('a.attacl')}
    from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
    left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
   where n.nspname = $1 and c.relkind in ('r', 'p', 'v', 'm', 'f') and a.attnum > 0 and not a.attisdropped
  union all
  select 'constraint ' || c.relname || '.' || con.conname || ' ' || pg_get_constraintdef(con.oid)
    from pg_constraint con join pg_class c on c.oid = con.conrelid join pg_namespace n on n.oid = c.relnamespace where n.nspname = $1
  union all
  select 'index ' || pg_get_indexdef(i.indexrelid)
    from pg_index i join pg_class c on c.oid = i.indrelid join pg_namespace n on n.oid = c.relnamespace where n.nspname = $1
  union all
  select 'trigger ' || pg_get_triggerdef(t.oid) || case when t.tgenabled <> 'O' then ' enabled ' || t.tgenabled::text else '' end
    from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace where n.nspname = $1 and not t.tgisinternal
  union all
  select 'function ' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ') ' || md5(pg_get_functiondef(p.oid))
         || ' owner ' || p.proowner::regrole || ' acl ' || ${ACL(`coalesce(p.proacl, acldefault('f', p.proowner))`)}
    from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = $1 and p.prokind in ('f', 'p')
  union all
  select 'sequence ' || s.sequencename || ' ' || s.data_type || ' start ' || s.start_value || ' by ' || s.increment_by
         || ' min ' || s.min_value || ' max ' || s.max_value || ' cycle ' || s.cycle
    from pg_sequences s where s.schemaname = $1
  union all
  select 'sequence ' || s.relname || ' owned by ' || t.relname || '.' || a.attname
    from pg_depend d join pg_class s on s.oid = d.objid and s.relkind = 'S'
    join pg_class t on t.oid = d.refobjid join pg_attribute a on a.attrelid = t.oid and a.attnum = d.refobjsubid
    join pg_namespace n on n.oid = s.relnamespace
   where n.nspname = $1 and d.classid = 'pg_class'::regclass and d.refclassid = 'pg_class'::regclass and d.deptype in ('a', 'i')
  union all
  select 'default privileges ' || d.defaclrole::regrole || ' ' || d.defaclobjtype::text || ' ' || ${ACL('d.defaclacl')}
    from pg_default_acl d join pg_namespace n on n.oid = d.defaclnamespace where n.nspname = $1
  union all
  select 'type ' || t.typname || ' ' || t.typtype::text || ' owner ' || t.typowner::regrole
    from pg_type t join pg_namespace n on n.oid = t.typnamespace
   where n.nspname = $1 and t.typtype in ('e', 'd', 'c') and not exists (select 1 from pg_class c where c.oid = t.typrelid and c.relkind <> 'c')
  union all
  select 'enum ' || t.typname || ' ' || string_agg(e.enumlabel, ',' order by e.enumsortorder)
    from pg_enum e join pg_type t on t.oid = e.enumtypid join pg_namespace n on n.oid = t.typnamespace where n.nspname = $1 group by t.typname`;
