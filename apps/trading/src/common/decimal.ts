import { formatDecimal, parseDecimal, type Dec } from '@alphintra/money';

/** NUMERIC columns come back as strings ("100.00000000"); the wire form trims them. */
export const wire = (v: string | Dec): string => formatDecimal(typeof v === 'string' ? parseDecimal(v) : v);
export const wireOrNull = (v: string | null | undefined): string | null => (v == null ? null : wire(v));
