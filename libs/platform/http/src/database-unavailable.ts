/** Node's and PostgreSQL's codes for a database that cannot be reached or is shutting down. */
const AWAY = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006', '53300']);
/** statement_timeout (57014), lock_timeout (55P03), idle_in_transaction_session_timeout (25P03). */
const TIMED_OUT = new Set(['57014', '55P03', '25P03']);
/** pg-pool's own failures carry no code. */
const AWAY_MESSAGES = /timeout exceeded when trying to connect|Connection terminated/i;

/** Whether an error means the database is away or too slow right now (503, try again), not a fault in the request. */
export function databaseTrouble(e: unknown): 'unavailable' | 'timeout' | undefined {
  for (let x = e as { code?: unknown; message?: unknown; cause?: unknown } | undefined, depth = 0; x && depth < 3; x = x.cause as typeof x, depth++) {
    const code = typeof x.code === 'string' ? x.code : '';
    if (TIMED_OUT.has(code)) return 'timeout';
    if (AWAY.has(code) || (typeof x.message === 'string' && AWAY_MESSAGES.test(x.message))) return 'unavailable';
  }
  return undefined;
}
