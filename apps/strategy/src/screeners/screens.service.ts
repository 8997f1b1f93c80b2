import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import type { FieldError } from '@alphintra/platform-http';
import { wireDecimal } from '../common/decimal';
import { query } from '@alphintra/platform-database';
import { instrumentFromRow, type InstrumentRow } from '../instruments/instrument.row';
import type { ScreenBody } from './dto/screen.dto';
import { CategoricalFilter, NumericFilter } from './filter.entity';
import { CATEGORICAL_COLUMNS, screenSql, type CategoricalCriterion, type NumericCriterion } from './screen.query';
import { InvalidScreenError, ScreenerNotFoundError } from './screeners.errors';

interface ScreenerRow {
  id: string;
  name: string;
  description: string;
  numeric: { filterId: string; key: string; column: string; min: string | null; max: string | null }[];
  categorical: { filterId: string; key: string; column: string; values: string[] }[];
}

const SCREENERS_SQL = `
  select s."id", s."name", s."description",
    coalesce((select json_agg(json_build_object('filterId', n."numeric_filter_id", 'key', f."key", 'column', f."column_name", 'min', n."min"::text, 'max', n."max"::text) order by f."key")
      from "strategy_data"."screener_numeric" n join "strategy_data"."numeric_filter" f on f."id" = n."numeric_filter_id" where n."screener_id" = s."id"), '[]') as "numeric",
    coalesce((select json_agg(json_build_object('filterId', c."categorical_filter_id", 'key', f."key", 'column', f."column_name", 'values', c."values") order by f."key")
      from "strategy_data"."screener_categorical" c join "strategy_data"."categorical_filter" f on f."id" = c."categorical_filter_id" where c."screener_id" = s."id"), '[]') as "categorical"
  from "strategy_data"."screener" s where ($1::uuid is null or s."id" = $1) order by s."name"`;

const BIGINT = /^(0|-?[1-9]\d{0,17})$/;

const screenerView = (s: ScreenerRow) => ({
  id: s.id,
  name: s.name,
  description: s.description,
  numeric: s.numeric.map((n) => ({ filterId: n.filterId, key: n.key, min: wireDecimal(n.min, 8), max: wireDecimal(n.max, 8) })),
  categorical: s.categorical.map((c) => ({ filterId: c.filterId, key: c.key, values: c.values })),
});

/** Filter definitions, predefined screeners, and screens over listed instruments. */
@Injectable()
export class ScreensService {
  constructor(private readonly em: EntityManager) {}

  async numericFilters() {
    const filters = await this.em.find(NumericFilter, {}, { orderBy: { key: 'asc' } });
    return { items: filters.map(({ id, key, label, valueType, unit, status }) => ({ id, key, label, valueType, unit: unit ?? null, status })), nextCursor: null };
  }

  /** Each with the values listed instruments have, which is what a screen can usefully ask for. */
  async categoricalFilters() {
    const filters = await this.em.find(CategoricalFilter, {}, { orderBy: { key: 'asc' } });
    const items = [];
    for (const { id, key, label, columnName, status } of filters) {
      if (!(CATEGORICAL_COLUMNS as readonly string[]).includes(columnName)) throw new Error(`categorical filter column ${columnName} is not screenable`);
      const rows = await query<{ value: string }>(
        this.em,
        `select distinct "${columnName}" as "value" from "strategy_data"."stock" where "status" = 'listed' and "${columnName}" is not null order by 1`,
      );
      items.push({ id, key, label, status, values: rows.map((r) => r.value) });
    }
    return { items, nextCursor: null };
  }

  async screeners() {
    const rows = await query<ScreenerRow>(this.em, SCREENERS_SQL, [null]);
    return { items: rows.map(screenerView), nextCursor: null };
  }

  async screener(id: string) {
    return screenerView(await this.findScreener(id));
  }

  async runScreener(id: string, limit: number) {
    const s = await this.findScreener(id);
    return this.run(s.numeric, s.categorical, limit);
  }

  /** Resolves each filterId to its column (422 naming the criterion when it cannot), then runs one query. */
  async runScreen(body: ScreenBody) {
    const ids = [...body.numeric, ...body.categorical].map((c) => c.filterId);
    const numeric = ids.length ? await this.em.find(NumericFilter, { id: { $in: ids }, status: 'active' }) : [];
    const categorical = ids.length ? await this.em.find(CategoricalFilter, { id: { $in: ids }, status: 'active' }) : [];
    const numericById = new Map(numeric.map((f) => [f.id, f]));
    const categoricalById = new Map(categorical.map((f) => [f.id, f]));
    const errors: FieldError[] = [];
    const numericCriteria: NumericCriterion[] = [];
    body.numeric.forEach((c, i) => {
      const f = numericById.get(c.filterId);
      if (!f) return void errors.push({ path: `numeric.${i}.filterId`, message: 'is not an active numeric filter' });
      if (f.valueType === 'integer') {
        for (const b of ['min', 'max'] as const) if (c[b] != null && !BIGINT.test(c[b])) errors.push({ path: `numeric.${i}.${b}`, message: `must be a whole number for ${f.key}` });
      }
      numericCriteria.push({ column: f.columnName, min: c.min, max: c.max });
    });
    const categoricalCriteria: CategoricalCriterion[] = [];
    body.categorical.forEach((c, i) => {
      const f = categoricalById.get(c.filterId);
      if (!f) return void errors.push({ path: `categorical.${i}.filterId`, message: 'is not an active categorical filter' });
      categoricalCriteria.push({ column: f.columnName, values: c.values });
    });
    if (errors.length) throw new InvalidScreenError(errors);
    return this.run(numericCriteria, categoricalCriteria, body.limit);
  }

  private async run(numeric: NumericCriterion[], categorical: CategoricalCriterion[], limit: number) {
    const { sql, params } = screenSql(numeric, categorical, limit);
    const rows = await query<InstrumentRow>(this.em, sql, params);
    return { items: rows.map(instrumentFromRow) };
  }

  private async findScreener(id: string): Promise<ScreenerRow> {
    const [row] = await query<ScreenerRow>(this.em, SCREENERS_SQL, [id]);
    if (!row) throw new ScreenerNotFoundError(id);
    return row;
  }
}
