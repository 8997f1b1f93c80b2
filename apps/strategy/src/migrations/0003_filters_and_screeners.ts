import { Migration } from '@mikro-orm/migrations';

/**
 * The filter definitions and predefined screeners every installation starts with. Their ids are
 * fixed: other services keep them in replicas (user's filter_ref), so they must be the same everywhere.
 * They are announced as `marketdata.filter.defined` by the app at start (FilterAnnouncer), as a
 * migration runs as the owner before any app and has no outbox publisher.
 */
const NUMERIC = [
  ['5e0b0000-0000-4000-8000-000000000101', 'market_cap', 'Market capitalisation', 'market_cap', 'decimal', 'currency'],
  ['5e0b0000-0000-4000-8000-000000000102', 'pe_ratio', 'Price/earnings ratio', 'pe_ratio', 'decimal', null],
  ['5e0b0000-0000-4000-8000-000000000103', 'price', 'Last price', 'last_price', 'decimal', 'currency'],
  ['5e0b0000-0000-4000-8000-000000000104', 'volume', 'Volume (last session)', 'volume', 'integer', 'shares'],
  ['5e0b0000-0000-4000-8000-000000000105', 'change_1d_pct', '1-day change', 'change_1d_pct', 'decimal', 'percent'],
] as const;

const CATEGORICAL = [
  ['5e0b0000-0000-4000-8000-000000000201', 'sector', 'Sector', 'sector'],
  ['5e0b0000-0000-4000-8000-000000000202', 'exchange', 'Exchange', 'exchange'],
  ['5e0b0000-0000-4000-8000-000000000203', 'country', 'Country', 'country'],
] as const;

const SCREENERS = [
  ['5e0b0000-0000-4000-8000-000000000301', 'Large-cap technology', 'Technology companies worth at least 200 billion.'],
  ['5e0b0000-0000-4000-8000-000000000302', 'Value stocks', 'Profitable companies worth at least 2 billion at a P/E of 15 or less.'],
  ['5e0b0000-0000-4000-8000-000000000303', 'Active gainers', 'Up 3 % or more in the last session on at least a million shares.'],
] as const;

const SCREENER_NUMERIC = [
  ['5e0b0000-0000-4000-8000-000000000301', '5e0b0000-0000-4000-8000-000000000101', '200000000000', null],
  ['5e0b0000-0000-4000-8000-000000000302', '5e0b0000-0000-4000-8000-000000000101', '2000000000', null],
  ['5e0b0000-0000-4000-8000-000000000302', '5e0b0000-0000-4000-8000-000000000102', '0', '15'],
  ['5e0b0000-0000-4000-8000-000000000303', '5e0b0000-0000-4000-8000-000000000105', '3', null],
  ['5e0b0000-0000-4000-8000-000000000303', '5e0b0000-0000-4000-8000-000000000104', '1000000', null],
] as const;

const SCREENER_CATEGORICAL = [['5e0b0000-0000-4000-8000-000000000301', '5e0b0000-0000-4000-8000-000000000201', ['Technology']]] as const;

const literal = (v: string | null): string => (v === null ? 'null' : `'${v.replace(/'/g, "''")}'`);
const rows = (items: readonly (readonly (string | null)[])[]): string => items.map((r) => `(${r.map(literal).join(', ')})`).join(',\n');

export class FiltersAndScreeners extends Migration {
  override async up(): Promise<void> {
    this.addSql(`insert into "strategy_data"."numeric_filter" ("id", "key", "label", "column_name", "value_type", "unit") values ${rows(NUMERIC)}`);
    this.addSql(`insert into "strategy_data"."categorical_filter" ("id", "key", "label", "column_name") values ${rows(CATEGORICAL)}`);
    this.addSql(`insert into "strategy_data"."screener" ("id", "name", "description") values ${rows(SCREENERS)}`);
    this.addSql(`insert into "strategy_data"."screener_numeric" ("screener_id", "numeric_filter_id", "min", "max") values ${rows(SCREENER_NUMERIC)}`);
    for (const [screener, filter, values] of SCREENER_CATEGORICAL) {
      this.addSql(`insert into "strategy_data"."screener_categorical" ("screener_id", "categorical_filter_id", "values")
        values (${literal(screener)}, ${literal(filter)}, array[${values.map(literal).join(', ')}])`);
    }
  }
}
