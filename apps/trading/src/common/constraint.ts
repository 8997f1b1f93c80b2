import { ConstraintViolationException } from '@mikro-orm/postgresql';

/** True when PostgreSQL refused a write because of the named constraint. */
export const violates = (e: unknown, constraint: string): boolean =>
  e instanceof ConstraintViolationException && (e as { constraint?: string }).constraint === constraint;

/** True when a value did not fit its NUMERIC column (SQLSTATE 22003). */
export const overflows = (e: unknown): boolean => (e as { code?: string } | null)?.code === '22003';
