import { Type } from '@mikro-orm/postgresql';

const quote = (v: string) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/**
 * `text[]` (or SQL null) with every element quoted. MikroORM's own array type leaves plain elements
 * unquoted, so a value such as `NULL` or one with outer spaces would not survive the trip.
 */
export class TextArrayType extends Type<string[] | null, string | null> {
  override convertToDatabaseValue(value: string[] | null): string | null {
    return value === null || value === undefined ? null : `{${value.map(quote).join(',')}}`;
  }

  override convertToJSValue(value: string[] | string | null): string[] | null {
    if (value === null || value === undefined) return null;
    if (Array.isArray(value)) return value;
    throw new Error('text[] should arrive parsed by the driver');
  }

  override getColumnType(): string {
    return 'text[]';
  }
}
