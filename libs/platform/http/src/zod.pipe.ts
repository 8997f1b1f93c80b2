import { PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { ValidationError } from './domain-error';

/** Validates a body, query or param against a zod schema; failures name each field. */
export class ZodPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(private readonly schema: S) {}

  transform(value: unknown): z.infer<S> {
    return parseOrThrow(this.schema, value);
  }
}

export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw new ValidationError(
    r.error.issues.map((i) => ({ path: i.path.length ? i.path.join('.') : '(body)', message: i.message })),
    `Invalid ${[...new Set(r.error.issues.map((i) => i.path.join('.') || 'body'))].join(', ')}.`,
  );
}
