import { defineEntity, p, type InferEntity } from '@mikro-orm/postgresql';
import { TextArrayType } from '@alphintra/platform-database';

/** A user's own screener; `disabledReason` is set while a filter it uses is retired. */
export const Screener = defineEntity({
  name: 'Screener',
  tableName: 'custom_screener',
  properties: {
    id: p.uuid().primary(),
    userId: p.uuid(),
    name: p.text(),
    disabledReason: p.text().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export type Screener = InferEntity<typeof Screener>;

/** Bounds on a numeric filter strategy defines; `numericFilterId` has a real foreign key to the filter replica. */
export const ScreenerNumericFilter = defineEntity({
  name: 'ScreenerNumericFilter',
  tableName: 'custom_screener_numeric',
  properties: {
    screenerId: p.uuid().primary(),
    numericFilterId: p.uuid().primary(),
    /** Where the user put it in the screener. */
    position: p.smallint(),
    min: p.decimal().nullable(),
    max: p.decimal().nullable(),
  },
});
export type ScreenerNumericFilter = InferEntity<typeof ScreenerNumericFilter>;

export const ScreenerCategoricalFilter = defineEntity({
  name: 'ScreenerCategoricalFilter',
  tableName: 'custom_screener_categorical',
  properties: {
    screenerId: p.uuid().primary(),
    categoricalFilterId: p.uuid().primary(),
    position: p.smallint(),
    values: p.type(TextArrayType),
  },
});
export type ScreenerCategoricalFilter = InferEntity<typeof ScreenerCategoricalFilter>;
