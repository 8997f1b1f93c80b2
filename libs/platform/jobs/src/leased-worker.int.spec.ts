import { randomBytes } from 'node:crypto';
import { Client, Pool, type ClientConfig } from 'pg';
import { exponentialBackoff, LeasedWorker, type JobQueue, type JobSettlement, type LeasedWorkerOptions } from './leased-worker';

/**
 * The worker against real PostgreSQL, on a table of its own in a private database. Like a service,
 * it runs as a runtime role granted DML only (the table is the owner's): no DDL from the library.
 */
const suffix = randomBytes(4).toString('hex');
const database = `jobs_${suffix}`;
const role = `jobs_runtime_${suffix}`;
const admin = new URL(process.env.ALPHINTRA_PG_URL!);
const at = (db: string, user?: string, password?: string): ClientConfig => {
  const url = new URL(admin);
  url.pathname = `/${db}`;
  if (user) Object.assign(url, { username: user, password });
  return { connectionString: url.toString() };
};
const adminAt = (db: string) => at(db);
const runtime = at(database, role, 'jobs-runtime-secret');
const CHANNEL = 'jobs_test_job';
const silent = { warn() {}, error() {} };

async function asAdmin<T>(db: string, f: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client(adminAt(db));
  await c.connect();
  try {
    return await f(c);
  } finally {
    await c.end();
  }
}

interface Job {
  id: string;
  attempts: number;
  work: string;
}

/** A table's queue the way a service writes one: the lease is `run_at` moved ahead, the claim's guard `locked_by` and `attempts`. */
class TestQueue implements JobQueue<Job, string> {
  /** Every start of a job's work: [job id, worker id, attempt]. */
  readonly runs: [string, string, number][] = [];
  constructor(
    private readonly pool: Pool,
    private readonly workerOf: () => string,
  ) {}

  async claim(workerId: string, limit: number, leaseSeconds: number): Promise<Job[]> {
    const r = await this.pool.query<Job>(
      `update job set attempts = attempts + 1, locked_by = $1, run_at = now() + make_interval(secs => $2)
       where id in (select id from job where status = 'queued' and run_at <= now() order by run_at for update skip locked limit $3)
       returning id, attempts, work`,
      [workerId, leaseSeconds, limit],
    );
    return r.rows;
  }

  async renew(job: Job, workerId: string, leaseSeconds: number): Promise<boolean> {
    const r = await this.pool.query(`update job set run_at = now() + make_interval(secs => $4) where id = $1 and locked_by = $2 and attempts = $3 and status = 'queued'`, [
      job.id,
      workerId,
      job.attempts,
      leaseSeconds,
    ]);
    return r.rowCount === 1;
  }

  async run(job: Job): Promise<string> {
    this.runs.push([job.id, this.workerOf(), job.attempts]);
    const [what, arg] = job.work.split(':');
    if (what === 'sleep') await new Promise((r) => setTimeout(r, Number(arg)));
    if (what === 'fail') throw new Error(`failed attempt ${job.attempts}`);
    return `done by attempt ${job.attempts}`;
  }

  async settle(job: Job, s: JobSettlement<string>, workerId: string): Promise<boolean> {
    const [status, error, delayMs] =
      s.kind === 'completed' ? ['done', null, 0] : s.kind === 'retry' ? ['queued', (s.error as Error).message, s.delayMs] : ['failed', s.kind === 'exhausted' ? 'exhausted' : (s.error as Error).message, 0];
    const r = await this.pool.query(
      `update job set status = $4, error = $5, result = $6, finished_by = $2, run_at = now() + make_interval(secs => $7::double precision / 1000),
         settled_at = case when $4 = 'queued' then settled_at else clock_timestamp() end
       where id = $1 and locked_by = $2 and attempts = $3 and status = 'queued'`,
      [job.id, workerId, job.attempts, status, error, s.kind === 'completed' ? s.result : null, delayMs],
    );
    if (r.rowCount === 1) await this.pool.query(`insert into attempt (job_id, attempt, ok, at) values ($1, $2, $3, clock_timestamp())`, [job.id, job.attempts, s.kind === 'completed']);
    return r.rowCount === 1;
  }
}

describe('LeasedWorker: a leased work queue on PostgreSQL', () => {
  let pool: Pool;
  const workers: LeasedWorker<Job, string>[] = [];

  function worker(o: Partial<LeasedWorkerOptions> = {}): { w: LeasedWorker<Job, string>; q: TestQueue } {
    const q: TestQueue = new TestQueue(pool, (): string => w.workerId);
    const w: LeasedWorker<Job, string> = new LeasedWorker(q, { name: 'test', logger: silent, leaseSeconds: 1, pollMs: 50, maxAttempts: 3, overMaxAttempts: 'fail', ...o });
    workers.push(w);
    return { w, q };
  }
  const enqueue = async (work: string, over: { attempts?: number; lockedBy?: string; runAt?: string } = {}): Promise<string> => {
    const id = `job-${randomBytes(4).toString('hex')}`;
    await pool.query(`insert into job (id, work, attempts, locked_by, run_at) values ($1, $2, $3, $4, coalesce($5::timestamptz, now()))`, [
      id,
      work,
      over.attempts ?? 0,
      over.lockedBy ?? null,
      over.runAt ?? null,
    ]);
    return id;
  };
  const row = async (id: string) =>
    (await pool.query<{ status: string; attempts: number; error: string | null; result: string | null; finished_by: string | null }>(`select * from job where id = $1`, [id])).rows[0]!;
  const until = async (what: string, ok: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> => {
    for (const deadline = Date.now() + timeoutMs; !(await ok()); await new Promise((r) => setTimeout(r, 20))) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    }
  };

  beforeAll(async () => {
    await asAdmin('postgres', async (c) => {
      await c.query(`create database "${database}"`);
      await c.query(`create role "${role}" login password 'jobs-runtime-secret'`);
    });
    // What a migration run as the owner creates; the runtime role gets rows (DML, as ADR 0003 grants), not schema.
    await asAdmin(database, async (c) => {
      await c.query(`revoke create on schema public from public`);
      await c.query(`create table job (id text primary key, work text not null, status text not null default 'queued', attempts int not null default 0,
        locked_by text, run_at timestamptz not null default now(), error text, result text, finished_by text, settled_at timestamptz)`);
      await c.query(`create table attempt (job_id text not null, attempt int not null, ok boolean not null, at timestamptz not null)`);
      await c.query(`grant select, insert, update, delete on job, attempt to "${role}"`);
    });
    pool = new Pool({ ...runtime, max: 8 });
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop()));
    await pool.query(`delete from job`);
    await pool.query(`delete from attempt`);
  });
  afterAll(async () => {
    await pool?.end();
    await asAdmin('postgres', async (c) => {
      await c.query(`drop database if exists "${database}" with (force)`);
      await c.query(`drop role if exists "${role}"`);
    });
  });

  it('runs as a role that may not create tables', async () => {
    expect((await pool.query(`select current_user as u`)).rows[0].u).toBe(role);
    await expect(pool.query(`create table nope (id int)`)).rejects.toMatchObject({ code: '42501' });
  });

  it('claims a job whose lease ran out (its worker died) again, and the dead worker can no longer settle it', async () => {
    const { w: dead } = worker();
    const id = await enqueue('ok');
    const [job] = await dead.claim(1);
    expect(job).toMatchObject({ id, attempts: 1 });
    const claimedAt = Date.now();
    const { w: live, q } = worker();
    live.start();
    await until('the job done again', async () => (await row(id)).status === 'done');
    expect(Date.now() - claimedAt).toBeGreaterThanOrEqual(900); // not within the lease (1 s)
    expect(await row(id)).toMatchObject({ attempts: 2, finished_by: live.workerId, result: 'done by attempt 2' });
    expect(q.runs).toEqual([[id, live.workerId, 2]]);
    expect(await dead.process(job!)).toBe('lost');
    expect(await row(id)).toMatchObject({ status: 'done', finished_by: live.workerId });
  });

  it('renews the lease of a job that runs longer than it, so no other worker takes it over', async () => {
    const id = await enqueue('sleep:2500');
    const a = worker();
    const b = worker();
    a.w.start();
    await until('a to start the job', async () => a.q.runs.length === 1);
    b.w.start();
    await until('the job done', async () => (await row(id)).status === 'done', 10_000);
    expect(await row(id)).toMatchObject({ attempts: 1, finished_by: a.w.workerId });
    expect(b.q.runs).toEqual([]);
  });

  it('tries a failing job again after backoff until its attempts are exhausted, then fails it', async () => {
    const { w, q } = worker({ maxAttempts: 3, backoffMs: exponentialBackoff(150), pollMs: 20 });
    const id = await enqueue('fail');
    w.start();
    await until('the job failed', async () => (await row(id)).status === 'failed');
    expect(await row(id)).toMatchObject({ status: 'failed', attempts: 3, error: 'failed attempt 3' });
    expect(q.runs.map(([, , attempt]) => attempt)).toEqual([1, 2, 3]);
    const at = (await pool.query<{ at: Date }>(`select at from attempt where job_id = $1 order by attempt`, [id])).rows.map((r) => r.at.getTime());
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(150 - 5);
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(300 - 5);
  });

  it('without backoff fails a job at its first failure', async () => {
    const { w, q } = worker();
    const id = await enqueue('fail');
    expect(await w.runOnce()).toBe(1);
    expect(await row(id)).toMatchObject({ status: 'failed', attempts: 1, error: 'failed attempt 1' });
    expect(q.runs).toHaveLength(1);
  });

  it('fails a job claimed past maxAttempts without running it (overMaxAttempts: fail), or runs it once more (run)', async () => {
    const interrupted = { attempts: 3, lockedBy: 'dead-worker', runAt: '2000-01-01T00:00:00Z' };
    const failing = worker({ maxAttempts: 3, overMaxAttempts: 'fail' });
    const a = await enqueue('ok', interrupted);
    expect(await failing.w.runOnce()).toBe(1);
    expect(await row(a)).toMatchObject({ status: 'failed', attempts: 4, error: 'exhausted' });
    expect(failing.q.runs).toEqual([]);

    const running = worker({ maxAttempts: 3, overMaxAttempts: 'run', backoffMs: exponentialBackoff(10) });
    const b = await enqueue('fail', interrupted);
    expect(await running.w.runOnce()).toBe(1);
    expect(await row(b)).toMatchObject({ status: 'failed', attempts: 4, error: 'failed attempt 4' });
    expect(running.q.runs).toHaveLength(1);
  });

  it('stop() stops claiming and resolves only after the running job is settled', async () => {
    const { w, q } = worker({ concurrency: 2 });
    const slow = await enqueue('sleep:800');
    w.start();
    await until('the slow job to start', async () => q.runs.length === 1);
    const stopped = w.stop();
    const later = await enqueue('ok');
    let resolved = false;
    void stopped.then(() => (resolved = true));
    await new Promise((r) => setTimeout(r, 300));
    expect(resolved).toBe(false);
    await stopped;
    expect(await row(slow)).toMatchObject({ status: 'done', attempts: 1 });
    await new Promise((r) => setTimeout(r, 200));
    expect(await row(later)).toMatchObject({ status: 'queued', attempts: 0 });
    expect(q.runs.map(([id]) => id)).toEqual([slow]);
  });

  it('wakes at once on a NOTIFY committed with the job, though its poll is a minute', async () => {
    const { w } = worker({ pollMs: 60_000, wake: { connection: runtime, channel: CHANNEL } });
    w.start();
    await until('the wake listener', async () => (await pool.query(`select 1 from pg_stat_activity where datname = current_database() and application_name = 'jobs:test'`)).rowCount === 1);
    await new Promise((r) => setTimeout(r, 200)); // idle, waiting on its poll
    const c = await pool.connect();
    const id = `job-${randomBytes(4).toString('hex')}`;
    const start = Date.now();
    try {
      await c.query('begin');
      await c.query(`insert into job (id, work) values ($1, 'ok')`, [id]);
      await c.query(`select pg_notify($1, '')`, [CHANNEL]);
      await c.query('commit');
    } finally {
      c.release();
    }
    await until('the job done', async () => (await row(id)).status === 'done', 5_000);
    expect(Date.now() - start).toBeLessThan(1_000);
  });

  it('wakes at once on wake() too', async () => {
    const { w } = worker({ pollMs: 60_000 });
    w.start();
    await new Promise((r) => setTimeout(r, 200));
    const id = await enqueue('ok');
    const start = Date.now();
    w.wake();
    await until('the job done', async () => (await row(id)).status === 'done', 5_000);
    expect(Date.now() - start).toBeLessThan(1_000);
  });
});
