import { ConstraintViolationException } from '@mikro-orm/postgresql';

/** True when PostgreSQL refused a write because of the named constraint. */
export const violates = (e: unknown, constraint: string): boolean =>
  e instanceof ConstraintViolationException && (e as { constraint?: string }).constraint === constraint;
