/** SQLSTATEs that say "try again", not "this message is wrong": the server went away, or lost a race. */
const TRANSIENT_SQLSTATES = new Set(['57P01', '57P02', '57P03', '40001', '40P01', '53300', '55P03']);
const TRANSIENT_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
// node-postgres and its pool say these in words only
const TRANSIENT_MESSAGES = [
  /connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /connection error and is not queryable/i,
  /client was closed and is not queryable/i,
  /the database system is (starting up|shutting down|in recovery mode)/i,
];
const KAFKA_TRANSIENT = new Set(['KafkaJSConnectionError', 'KafkaJSRequestTimeoutError', 'KafkaJSNumberOfRetriesExceeded', 'KafkaJSConnectionClosedError']);

/**
 * Whether a failure will go away by itself (connection loss, serialization failure, deadlock,
 * too many connections, a broker that does not answer, an outbox over its limits); such a failure is retried without
 * limit and never counts against the message. Looks through `cause` chains.
 */
export function isTransient(err: unknown): boolean {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, name, message, retriable } = e as { code?: unknown; name?: unknown; message?: unknown; retriable?: unknown };
    if (typeof code === 'string' && (code.startsWith('08') || TRANSIENT_SQLSTATES.has(code) || TRANSIENT_ERRNOS.has(code))) return true;
    if (name === 'ConnectionException' || name === 'DeadlockException' || name === 'LockWaitTimeoutException') return true;
    if (name === 'OutboxBackPressureError') return true; // the outbox is over its limits until Kafka takes its backlog
    if (typeof name === 'string' && (KAFKA_TRANSIENT.has(name) || (name.startsWith('KafkaJS') && retriable === true))) return true;
    if (typeof message === 'string' && TRANSIENT_MESSAGES.some((m) => m.test(message))) return true;
  }
  return false;
}
