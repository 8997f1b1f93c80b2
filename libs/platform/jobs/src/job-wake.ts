import { Client, type ClientConfig } from 'pg';
import type { EntityManager } from '@mikro-orm/postgresql';
import { query } from '@alphintra/platform-database';
import type { JobsLogger } from './logger';

export interface JobWakeOptions {
  /** The runtime user's connection: LISTEN needs no privilege, and nothing else is run on it. */
  connection: ClientConfig;
  channel: string;
  /** Names the connection (`application_name` jobs:<name>) and the log lines. */
  name: string;
  logger: JobsLogger;
  onWake: () => void;
  reconnectMs?: number;
}

/**
 * Inside the enqueuing transaction: PostgreSQL announces on `channel` when it commits (never
 * before, never after a rollback), and every worker listening there claims at once instead of at
 * its next poll. Runs `pg_notify`, no DDL, so a runtime user may call it.
 */
export async function announceJobs(em: EntityManager, channel: string): Promise<void> {
  await query(em, `select pg_notify($1, '')`, [channel]);
}

/**
 * One LISTEN connection of a worker: every NOTIFY on the channel wakes the worker's idle loops.
 * A lost connection is opened again after `reconnectMs`; whenever it (re)connects it wakes the
 * worker once, for what was announced while nobody listened. Polling stays the fallback.
 */
export class JobWake {
  private client?: Client;
  private connecting?: Promise<void>;
  private retry?: NodeJS.Timeout;
  private stopped = false;

  constructor(private readonly o: JobWakeOptions) {}

  get listening(): boolean {
    return this.client !== undefined;
  }

  start(): void {
    this.connecting = this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    await this.connecting;
    const c = this.client;
    this.client = undefined;
    await c?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    this.retry = undefined;
    if (this.stopped) return;
    const c = new Client({ ...this.o.connection, application_name: `jobs:${this.o.name}` });
    c.on('error', (err) => {
      this.o.logger.warn({ err, channel: this.o.channel }, `${this.o.name} jobs: wake listener lost its connection; reconnecting`);
      if (this.client === c) this.client = undefined;
      void c.end().catch(() => undefined);
      this.reconnect();
    });
    c.on('notification', () => this.o.onWake());
    try {
      await c.connect();
      await c.query(`listen "${this.o.channel.replace(/"/g, '""')}"`);
    } catch (err) {
      this.o.logger.warn({ err, channel: this.o.channel }, `${this.o.name} jobs: wake listener could not connect; retrying`);
      await c.end().catch(() => undefined);
      this.reconnect();
      return;
    }
    if (this.stopped) {
      await c.end().catch(() => undefined);
      return;
    }
    this.client = c;
    this.o.onWake();
  }

  private reconnect(): void {
    if (this.stopped || this.retry) return;
    this.retry = setTimeout(() => (this.connecting = this.connect()), this.o.reconnectMs ?? 1000);
  }
}
