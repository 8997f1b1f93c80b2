/**
 * The highest resident memory measured for each app (MiB, /proc VmRSS), and where it was measured:
 * the floor of every deployment form's memory limit (ADR 0034). Re-measure and update when an
 * app's work changes; the limits then follow through the test in wiring.spec.ts.
 */
export interface MeasuredPeak {
  mib: number;
  source: string;
}

export const MEASURED_PEAK: Readonly<Record<string, MeasuredPeak>> = {
  gateway: { mib: 286, source: 'bench/README.md 2026-12-07: quote → WebSocket, 1,000 clients (order pipeline: 249)' },
  auth: { mib: 312, source: 'bench/README.md 2026-11-23: order pipeline, session 2 (with its logins at the hashing limit: AUTH_HASHING)' },
  user: { mib: 271, source: 'bench/peak-memory.ts 2026-12-07: 32 connections on user and nocode for 20 s' },
  strategy: { mib: 191, source: 'bench/README.md 2026-11-22: order pipeline' },
  trading: { mib: 348, source: 'bench/README.md 2026-11-22: order pipeline' },
  risk: { mib: 333, source: 'bench/README.md 2026-11-22: order pipeline' },
  broker: { mib: 287, source: 'bench/README.md 2026-11-22: order pipeline' },
  nocode: { mib: 226, source: 'bench/peak-memory.ts 2026-12-07: 32 connections on user and nocode for 20 s' },
  notification: { mib: 298, source: 'bench/README.md 2026-11-22: order pipeline' },
};

/**
 * Auth under bursts of logins at its hashing limit (bench/peak-memory.ts): the peak measured with
 * `concurrency` hashes at once; each further concurrent hash adds `perHashMib`
 * (bench/scrypt-concurrency.ts).
 */
export const AUTH_HASHING = {
  peakMib: 460,
  concurrency: 2,
  perHashMib: 132,
  source: 'bench/peak-memory.ts 2026-12-07 (bursts of 24 logins: 460 MiB, idle 174) and bench/scrypt-concurrency.ts (+132 MiB a concurrent hash)',
};

/** Headroom over the measured peak: other load, other data, a newer Node. */
export const MEMORY_MARGIN = 1.2;

/** The memory limit an app needs: its measured peak plus the margin; auth's for its hashing concurrency. */
export function requiredLimitMib(app: string, authHashConcurrency = AUTH_HASHING.concurrency): number {
  const peak =
    app === 'auth'
      ? Math.max(MEASURED_PEAK.auth.mib, AUTH_HASHING.peakMib + Math.max(0, authHashConcurrency - AUTH_HASHING.concurrency) * AUTH_HASHING.perHashMib)
      : MEASURED_PEAK[app]!.mib;
  return Math.ceil(peak * MEMORY_MARGIN);
}

/** A Kubernetes memory quantity in MiB. */
export function quantityMib(q: string | number): number {
  const m = /^(\d+(?:\.\d+)?)([KMGTE]i?)?$/.exec(String(q));
  if (!m) throw new Error(`not a memory quantity: ${q}`);
  const unit: Record<string, number> = { '': 1 / 2 ** 20, K: 1e3 / 2 ** 20, M: 1e6 / 2 ** 20, G: 1e9 / 2 ** 20, T: 1e12 / 2 ** 20, Ki: 1 / 1024, Mi: 1, Gi: 1024, Ti: 2 ** 20 };
  return Number(m[1]) * unit[m[2] ?? '']!;
}
