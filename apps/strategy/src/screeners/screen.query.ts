import { INSTRUMENT_COLUMNS } from '../instruments/instrument.row';

/**
 * The stock columns a filter definition may name, with the SQL type its bounds are cast to (the
 * column's own, so its index applies). Identifiers come only from here; values only as parameters.
 */
export const NUMERIC_COLUMNS = { market_cap: 'numeric', pe_ratio: 'numeric', last_price: 'numeric', volume: 'bigint', change_1d_pct: 'numeric' } as const;
export const CATEGORICAL_COLUMNS = ['sector', 'exchange', 'country'] as const;

export interface NumericCriterion {
  column: string;
  min?: string | null;
  max?: string | null;
}

export interface CategoricalCriterion {
  column: string;
  values: string[];
}

const numericType = (column: string): string => {
  const type = (NUMERIC_COLUMNS as Record<string, string>)[column];
  if (!type) throw new Error(`numeric filter column ${column} is not screenable`);
  return type;
};

const categoricalColumn = (column: string): string => {
  if (!(CATEGORICAL_COLUMNS as readonly string[]).includes(column)) throw new Error(`categorical filter column ${column} is not screenable`);
  return column;
};

/**
 * One SELECT over listed instruments: every criterion ANDed, largest companies first. ORDER BY names
 * the table's columns (`s.`), not the select list's text casts of the same name.
 */
export function screenSql(numeric: NumericCriterion[], categorical: CategoricalCriterion[], limit: number): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const param = (v: unknown, type: string) => `$${params.push(v)}::${type}`;
  const where = [`"status" = 'listed'`];
  for (const n of numeric) {
    const type = numericType(n.column);
    const hasMin = n.min !== undefined && n.min !== null;
    const hasMax = n.max !== undefined && n.max !== null;
    if (hasMin) where.push(`"${n.column}" >= ${param(n.min, type)}`);
    if (hasMax) where.push(`"${n.column}" <= ${param(n.max, type)}`);
    if (!hasMin && !hasMax) where.push(`"${n.column}" is not null`);
  }
  for (const c of categorical) where.push(`"${categoricalColumn(c.column)}" = any(${param(c.values, 'text[]')})`);
  const sql = `select ${INSTRUMENT_COLUMNS} from "strategy_data"."stock" s where ${where.join(' and ')} order by s."market_cap" desc, s."symbol" limit ${param(limit, 'int')}`;
  return { sql, params };
}
