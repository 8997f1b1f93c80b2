import { Type } from '@mikro-orm/postgresql';

const quote = (v: string) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/**
 * `text[]` with every element quoted. MikroORM's own array type leaves plain elements
 * unquoted, so a value such as `NULL` or one with outer spaces would not survive the trip.
 */
export class TextArrayType extends Type<string[], string> {
  override convertToDatabaseValue(value: string[]): string {
    return `{${value.map(quote).join(',')}}`;
  }

  override convertToJSValue(value: string[] | string): string[] {
    if (Array.isArray(value)) return value;
    throw new Error('text[] should arrive parsed by the driver');
  }

  override getColumnType(): string {
    return 'text[]';
  }
}
