import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { ClientConfig } from 'pg';
import { JobWake } from './job-wake';
import type { JobsLogger } from './logger';

/** What the worker needs of a claimed job; `attempts` counts this claim. */
export interface LeasedJob {
  readonly id: string;
  readonly attempts: number;
}

/** How an attempt ended, as the worker decided it; the queue records it. */
export type JobSettlement<R> =
  | { kind: 'completed'; result: R }
  /** The attempt failed and the job is tried again after `delayMs`. */
  | { kind: 'retry'; error: unknown; delayMs: number }
  /** The attempt failed for good: no backoff configured, or its last attempt. */
  | { kind: 'failed'; error: unknown }
  /** Claimed for an attempt past `maxAttempts` (those before were interrupted), and not run. */
  | { kind: 'exhausted'; maxAttempts: number };

export type JobOutcome = 'completed' | 'retried' | 'failed' | 'lost';

/**
 * One table's jobs: the SQL of what a job row is stays with its owner; the worker decides when to
 * claim, renew and settle. Every statement runs as the service's runtime user (no DDL: the table
 * comes from the service's migrations).
 */
export interface JobQueue<J extends LeasedJob, R> {
  /**
   * Leases up to `limit` due jobs to `workerId` for `leaseSeconds`, counting an attempt on each;
   * FOR UPDATE SKIP LOCKED, so workers never claim the same job at once. A job whose lease ran out
   * (its worker died) is due again.
   */
  claim(workerId: string, limit: number, leaseSeconds: number): Promise<J[]>;
  /** Extends the lease of a job this worker still holds; false when another worker took it over. */
  renew(job: J, workerId: string, leaseSeconds: number): Promise<boolean>;
  /** The work; a throw is a failed attempt. */
  run(job: J): Promise<R>;
  /** Records the settlement guarded by the claim (worker id or attempt number); false when the lease was lost, and nothing was recorded. */
  settle(job: J, settlement: JobSettlement<R>, workerId: string): Promise<boolean>;
}

export interface LeasedWorkerOptions {
  /** Names log lines and the wake connection. */
  name: string;
  logger: JobsLogger;
  /** A claimed job is not claimed again for this long unless its worker stops renewing. */
  leaseSeconds: number;
  /** A running job's lease is renewed this often; a third of the lease by default. */
  renewEveryMs?: number;
  /** Idle loops claim again after this long when nothing wakes them. */
  pollMs: number;
  /** Loops claiming and running at once. */
  concurrency?: number;
  /** Jobs one loop claims at once and runs side by side. */
  batchSize?: number;
  maxAttempts: number;
  /** Delay before a failed attempt `attempt` is tried again; without it a failure is final at once. */
  backoffMs?: (attempt: number) => number;
  /**
   * A job claimed for attempt `maxAttempts + 1` or later (the attempts before were interrupted:
   * the worker died and the lease ran out): `fail` settles it `exhausted` without running it,
   * `run` runs it once more, and that outcome is final.
   */
  overMaxAttempts: 'fail' | 'run';
  /** LISTEN on this channel: a NOTIFY (see `announceJobs`) wakes idle loops at once. */
  wake?: { connection: ClientConfig; channel: string };
}

/** `base × 2^(attempt−1)` ms. */
export const exponentialBackoff =
  (baseMs: number) =>
  (attempt: number): number =>
    baseMs * 2 ** (attempt - 1);

interface Run {
  stopped: boolean;
  loops: Promise<void>[];
  wake?: JobWake;
}

/**
 * A leased work queue on PostgreSQL, run by `concurrency` loops: claim a batch, run each job
 * (renewing its lease meanwhile), settle it — completed, retried after backoff, failed, or
 * exhausted — through the queue's lease-guarded SQL, so a job taken over by another worker is
 * finished once. Idle loops wait `pollMs` or until woken (NOTIFY or `wake()`). `stop()` stops
 * claiming and resolves when the jobs being run have been settled.
 */
export class LeasedWorker<J extends LeasedJob, R> {
  readonly workerId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private current?: Run;
  private wakes = 0;
  private readonly waiters = new Set<() => void>();

  constructor(
    private readonly queue: JobQueue<J, R>,
    private readonly o: LeasedWorkerOptions,
  ) {}

  get running(): boolean {
    return this.current !== undefined && !this.current.stopped;
  }

  start(): void {
    if (this.running) return;
    const run: Run = { stopped: false, loops: [] };
    if (this.o.wake) {
      run.wake = new JobWake({ ...this.o.wake, name: this.o.name, logger: this.o.logger, onWake: () => this.wake() });
      run.wake.start();
    }
    this.current = run;
    run.loops = Array.from({ length: this.o.concurrency ?? 1 }, () => this.loop(run));
  }

  /** Stops claiming; the jobs being run are settled first. */
  async stop(): Promise<void> {
    const run = this.current;
    if (!run) return;
    run.stopped = true;
    this.wake();
    await Promise.all(run.loops);
    await run.wake?.stop();
  }

  /** Ends the idle waits now: something may be due. */
  wake(): void {
    this.wakes++;
    for (const done of [...this.waiters]) done();
  }

  /** Claims and settles one batch; answers how many jobs it claimed. */
  async runOnce(): Promise<number> {
    const jobs = await this.claim(this.o.batchSize ?? 1);
    await Promise.all(
      jobs.map((job) =>
        this.process(job).catch((err) => this.o.logger.error({ err, jobId: job.id }, `${this.o.name} jobs: could not record the outcome of a job`)),
      ),
    );
    return jobs.length;
  }

  claim(limit = 1): Promise<J[]> {
    return this.queue.claim(this.workerId, limit, this.o.leaseSeconds);
  }

  /** Runs a claimed job (unless its attempts are exhausted) and settles it. */
  async process(job: J): Promise<JobOutcome> {
    const settlement: JobSettlement<R> =
      job.attempts > this.o.maxAttempts && this.o.overMaxAttempts === 'fail' ? { kind: 'exhausted', maxAttempts: this.o.maxAttempts } : await this.attempt(job);
    if (!(await this.queue.settle(job, settlement, this.workerId))) {
      this.o.logger.warn({ jobId: job.id, workerId: this.workerId, settlement: settlement.kind }, `${this.o.name} jobs: lease lost; the outcome was discarded`);
      return 'lost';
    }
    return settlement.kind === 'completed' ? 'completed' : settlement.kind === 'retry' ? 'retried' : 'failed';
  }

  private async attempt(job: J): Promise<JobSettlement<R>> {
    const stopRenewing = this.renewing(job);
    try {
      return { kind: 'completed', result: await this.queue.run(job) };
    } catch (error) {
      const { backoffMs, maxAttempts } = this.o;
      return backoffMs && job.attempts < maxAttempts ? { kind: 'retry', error, delayMs: backoffMs(job.attempts) } : { kind: 'failed', error };
    } finally {
      stopRenewing();
    }
  }

  /** Renews the job's lease while it runs, until the worker learns it lost it. */
  private renewing(job: J): () => void {
    const timer = setInterval(() => {
      this.queue.renew(job, this.workerId, this.o.leaseSeconds).then(
        (held) => {
          if (held) return;
          clearInterval(timer);
          this.o.logger.warn({ jobId: job.id, workerId: this.workerId }, `${this.o.name} jobs: lease lost while running; the outcome will be discarded`);
        },
        (err) => this.o.logger.warn({ err, jobId: job.id }, `${this.o.name} jobs: could not renew a lease`),
      );
    }, this.o.renewEveryMs ?? (this.o.leaseSeconds * 1000) / 3);
    return () => clearInterval(timer);
  }

  private async loop(run: Run): Promise<void> {
    while (!run.stopped) {
      const seen = this.wakes;
      let claimed = 0;
      try {
        claimed = await this.runOnce();
      } catch (err) {
        this.o.logger.error({ err }, `${this.o.name} jobs: worker iteration failed`);
      }
      if (claimed === 0 && !run.stopped) await this.idle(seen);
    }
  }

  /** Waits `pollMs`, or until a wake; at once when one came since `seen`. */
  private idle(seen: number): Promise<void> {
    if (this.wakes !== seen) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, this.o.pollMs);
      this.waiters.add(done);
    });
  }
}
