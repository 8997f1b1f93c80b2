export { violates } from '@alphintra/platform-database';

/** True when a value did not fit its NUMERIC column (SQLSTATE 22003). */
export const overflows = (e: unknown): boolean => (e as { code?: string } | null)?.code === '22003';
