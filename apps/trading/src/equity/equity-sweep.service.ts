import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { CALENDAR_COVERS, sessionsBetween } from '@alphintra/market-calendar';
import { LOGGER, PLATFORM } from '@alphintra/platform-http';
import type { TradingEnv } from '../env';
import { EquityRepository } from './equity.repository';
import { PeriodicTask } from '@alphintra/platform-jobs';

const PRUNE_BATCH = 10_000;
const DAY_MS = 86_400_000;

/** The latest XNYS close at or before `now`; null outside the years the calendar holds. */
export function lastCloseAtOrBefore(now: Date): Date | null {
  const to = now.toISOString().slice(0, 10);
  const from = new Date(now.getTime() - 10 * DAY_MS).toISOString().slice(0, 10);
  if (to < CALENDAR_COVERS.firstDate || from > CALENDAR_COVERS.lastDate) return null;
  const sessions = sessionsBetween(from < CALENDAR_COVERS.firstDate ? CALENDAR_COVERS.firstDate : from, to > CALENDAR_COVERS.lastDate ? CALENDAR_COVERS.lastDate : to);
  return sessions.filter((s) => s.closeUtc <= now).at(-1)?.closeUtc ?? null;
}

export interface SweepResult {
  minutePoints: number;
  dailyPoints: number;
  pruned: number;
}

/**
 * Writes the equity history (ADR 0037): once a minute, a 1-minute point for each account that
 * changed since the minute before (a fill, a cash movement, a new price of a symbol it holds) and
 * whose equity or cash moved; at each XNYS close, a daily point likewise; and drops 1-minute
 * points past their retention. Idle accounts are not read. Replicas share one state row taken
 * with SKIP LOCKED, so one of them sweeps at a time; `sweep(now)` is what tests drive.
 */
@Injectable()
export class EquitySweepService implements OnApplicationBootstrap, OnApplicationShutdown {
  private task?: PeriodicTask;

  constructor(
    private readonly em: EntityManager,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(PLATFORM) private readonly platform: { env: TradingEnv },
  ) {}

  onApplicationBootstrap(): void {
    if (this.platform.env.TRADING_EQUITY_SWEEP_MS === 0) return;
    this.task = new PeriodicTask({ name: 'equity sweep', everyMs: this.platform.env.TRADING_EQUITY_SWEEP_MS, logger: this.logger, run: () => this.sweep(new Date()) });
    this.task.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task?.stop();
  }

  /** Writes what is due at `now`; null when another replica holds the sweep. */
  async sweep(now: Date): Promise<SweepResult | null> {
    const env = this.platform.env;
    const lookbackMs = env.TRADING_EQUITY_LOOKBACK_SECONDS * 1000;
    return this.em.fork().transactional(async (em) => {
      const state = await EquityRepository.claimSweep(em);
      if (!state) return null;
      const result: SweepResult = { minutePoints: 0, dailyPoints: 0, pruned: 0 };
      const minute = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
      if (!state.minute_at || state.minute_at < minute) {
        result.minutePoints = await EquityRepository.writePoints(em, '1Min', minute, state.minute_at && new Date(state.minute_at.getTime() - lookbackMs));
        state.minute_at = minute;
      }
      const close = lastCloseAtOrBefore(now);
      // The first sweep only notes the last close: the equity it would write there is today's, not that close's.
      if (close && state.close_at && state.close_at < close) {
        result.dailyPoints = await EquityRepository.writePoints(em, '1D', close, new Date(state.close_at.getTime() - lookbackMs));
      }
      if (close && (!state.close_at || state.close_at < close)) state.close_at = close;
      await EquityRepository.saveSweep(em, state);
      result.pruned = await EquityRepository.pruneMinutes(em, new Date(minute.getTime() - env.TRADING_EQUITY_MINUTE_RETENTION_DAYS * DAY_MS), PRUNE_BATCH);
      if (result.minutePoints || result.dailyPoints || result.pruned) this.logger.debug({ ...result, at: minute.toISOString() }, 'equity points written');
      return result;
    });
  }
}
