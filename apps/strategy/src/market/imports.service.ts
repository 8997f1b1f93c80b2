import { randomUUID } from 'node:crypto';
import { BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { PriceUpdated } from '@alphintra/contracts';
import { query } from '@alphintra/platform-database';
import { LOGGER, PLATFORM } from '@alphintra/platform-http';
import { OutboxPublisher, type MessagingLogger } from '@alphintra/platform-messaging';
import { sessionTime } from '../bars/bar-rows';
import { REFRESH_LAST_SESSION_SQL } from '../bars/bars.service';
import { wireDecimal } from '../common/decimal';
import type { StrategyEnv } from '../env';
import { parseImport, symbolsOf, type ImportBar, type ParsedImport } from './import-csv';
import { ImportNotFoundError, ImportsStoppingError, InvalidImportError } from './imports.errors';
import { ImportsRepository, type ImportView } from './imports.repository';

const BATCH = 5000;

class ImportAbort extends Error {}

/** The first month of 1-minute bars the partitions keep (ADR 0025). */
const oldestKeptMinute = (now: number, keepMonths: number) => {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - keepMonths, 1);
};

const when = (b: ImportBar) => (typeof b.time === 'number' ? new Date(b.time).toISOString() : b.time);

/**
 * CSV imports of daily or 1-minute bars, all or nothing: the whole file is checked while the
 * request waits (422 naming every bad row, nothing stored); a good one is stored in the background
 * in one transaction, its progress written to its `market_import` row batch by batch.
 */
@Injectable()
export class ImportsService implements BeforeApplicationShutdown {
  private readonly jobs = new Set<Promise<void>>();
  private stopping = false;

  constructor(
    private readonly em: EntityManager,
    private readonly repo: ImportsRepository,
    private readonly outbox: OutboxPublisher,
    @Inject(PLATFORM) private readonly platform: { env: StrategyEnv },
    @Inject(LOGGER) private readonly logger: MessagingLogger,
  ) {}

  async start(text: string, symbol: string | undefined, userId: string): Promise<ImportView> {
    if (this.stopping) throw new ImportsStoppingError();
    const now = Date.now();
    const parsed = await parseImport(text, { symbol, now, oldestMinute: oldestKeptMinute(now, this.platform.env.INTRADAY_BARS_RETENTION_MONTHS) });
    const symbols = symbolsOf(parsed.bars);
    const status = await this.repo.instrumentStatus([...symbols.keys()]);
    for (const [s, { line, rows }] of symbols) {
      const st = status.get(s);
      if (st !== 'listed') parsed.errors.push({ path: `line ${line}.symbol`, message: `${s} ${st ? 'is delisted' : 'is not an instrument strategy lists'} (${rows} row(s))` });
    }
    if (parsed.errors.length) throw new InvalidImportError(parsed.errors.sort((a, b) => lineOf(a.path) - lineOf(b.path)));
    const times = parsed.bars.map(when).sort();
    const id = randomUUID();
    await this.repo.create({
      id,
      timeframe: parsed.timeframe,
      layout: parsed.layout,
      symbols: [...symbols.keys()].sort(),
      rowsTotal: parsed.bars.length,
      from: times[0]!,
      to: times[times.length - 1]!,
      createdBy: userId,
    });
    const job: Promise<void> = this.store(id, parsed).finally(() => this.jobs.delete(job));
    this.jobs.add(job);
    this.logger.info({ importId: id, timeframe: parsed.timeframe, rows: parsed.bars.length, symbols: symbols.size }, 'bar import accepted');
    return (await this.repo.get(id))!;
  }

  async get(id: string): Promise<ImportView> {
    const found = await this.repo.get(id);
    if (!found) throw new ImportNotFoundError(id);
    return found;
  }

  /** Imports in flight roll back (and say so) rather than hold the shutdown for a long file. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await Promise.all([...this.jobs]);
  }

  private async store(id: string, p: ParsedImport): Promise<void> {
    try {
      await this.em.transactional(async (em) => {
        const symbols = [...symbolsOf(p.bars).keys()];
        const locked = await this.repo.lockInstruments(em, symbols);
        const gone = symbols.filter((s) => locked.get(s) !== 'listed');
        if (gone.length) throw new ImportAbort(`${gone.join(', ')} stopped being listed before the import was stored; nothing was stored`);
        const before = p.timeframe === '1D' ? await this.repo.latestDates(em, symbols) : undefined;
        for (let i = 0; i < p.bars.length; i += BATCH) {
          if (this.stopping) throw new ImportAbort('the service stopped before the import was stored; nothing was stored');
          const batch = p.bars.slice(i, i + BATCH);
          await (p.timeframe === '1D' ? this.repo.storeDaily(em, batch) : this.repo.storeMinutes(em, batch));
          await this.repo.progress(id, i + batch.length);
        }
        if (before) await this.refreshDaily(em, p.bars, before);
      });
      await this.repo.finish(id, null);
      this.logger.info({ importId: id, rows: p.bars.length }, 'bar import stored');
    } catch (err) {
      const reason = err instanceof ImportAbort ? err.message : 'storing failed; nothing was stored';
      this.logger.error({ err, importId: id }, 'bar import failed');
      await this.repo.finish(id, reason).catch((e: unknown) => this.logger.error({ err: e, importId: id }, 'bar import outcome not recorded'));
    }
  }

  /** As an upload does: each symbol's last-session figures, and its price when the newest bar is among the imported ones. */
  private async refreshDaily(em: EntityManager, bars: ImportBar[], before: Map<string, string | null>): Promise<void> {
    const newest = new Map<string, string>();
    for (const b of bars) if ((newest.get(b.symbol) ?? '') < (b.time as string)) newest.set(b.symbol, b.time as string);
    for (const [symbol, date] of newest) {
      const [last] = await query<{ date: string; price: string }>(em, REFRESH_LAST_SESSION_SQL, [symbol]);
      const was = before.get(symbol);
      if (last && (!was || date >= was)) await this.outbox.record(em, PriceUpdated, symbol, { symbol, price: wireDecimal(last.price)!, at: sessionTime(last.date) });
    }
  }
}

const lineOf = (path: string) => Number(/\d+/.exec(path)?.[0] ?? -1);
