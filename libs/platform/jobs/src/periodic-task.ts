import type { JobsLogger } from './logger';

/**
 * One step run every `everyMs` in this process, never two at once: a tick that finds the last
 * run still going skips; a failure is logged and the next tick tries again; `stop()` ends the
 * ticks and waits for the run in progress. For sweeps whose step shares work between replicas
 * itself (SKIP LOCKED on the rows or a state row); a queue of many jobs is LeasedWorker's.
 */
export class PeriodicTask {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly o: { name: string; everyMs: number; logger: JobsLogger; run: () => Promise<unknown> },
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.o
        .run()
        .catch((err) => this.o.logger.warn({ err }, `${this.o.name} failed; the next one retries`))
        .finally(() => (this.running = undefined));
    }, this.o.everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
