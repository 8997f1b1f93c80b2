import { PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { ValidationError, type FieldError } from './domain-error';

/** Validates a body, query or param against a zod schema; failures name each field. */
export class ZodPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(private readonly schema: S) {}

  transform(value: unknown): z.infer<S> {
    return parseOrThrow(this.schema, value);
  }
}

/**
 * Text PostgreSQL cannot store: the NUL character (text and jsonb refuse it) and UTF-16 halves
 * without their other half (jsonb refuses the escape). Found in any string or object key.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function unstorableText(value: unknown, path: (string | number)[] = []): FieldError[] {
  const bad = (s: string) => s.includes('\u0000') || LONE_SURROGATE.test(s);
  const at = (p: (string | number)[]) => (p.length ? p.join('.') : '(body)');
  if (typeof value === 'string') return bad(value) ? [{ path: at(path), message: 'must not contain NUL characters or unpaired UTF-16 surrogates' }] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => unstorableText(v, [...path, i]));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => [
      ...(bad(k) ? [{ path: at([...path, k]), message: 'must not be a key with NUL characters or unpaired UTF-16 surrogates' }] : []),
      ...unstorableText(v, [...path, k]),
    ]);
  }
  return [];
}

export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const unstorable = unstorableText(value);
  if (unstorable.length) throw new ValidationError(unstorable, `Invalid ${[...new Set(unstorable.map((e) => e.path))].join(', ')}.`);
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw new ValidationError(
    r.error.issues.map((i) => ({ path: i.path.length ? i.path.join('.') : '(body)', message: i.message })),
    `Invalid ${[...new Set(r.error.issues.map((i) => i.path.join('.') || 'body'))].join(', ')}.`,
  );
}
