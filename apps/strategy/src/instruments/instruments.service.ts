import { Injectable } from '@nestjs/common';
import { EntityManager, LockMode, UniqueConstraintViolationException, type FilterQuery } from '@mikro-orm/postgresql';
import { InstrumentDelisted, InstrumentListed } from '@alphintra/contracts';
import { OutboxPublisher } from '@alphintra/platform-messaging';
import { pageOf, type Page } from '../common/page';
import { instrumentView, type InstrumentQuery, type InstrumentView, type NewInstrument } from './dto/instrument.dto';
import { InstrumentExistsError, InstrumentNotFoundError } from './instruments.errors';
import { Stock } from './stock.entity';

const likeEscaped = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

@Injectable()
export class InstrumentsService {
  constructor(
    private readonly em: EntityManager,
    private readonly outbox: OutboxPublisher,
  ) {}

  async list(q: InstrumentQuery): Promise<Page<InstrumentView>> {
    const where: FilterQuery<Stock> = {};
    if (q.status !== 'all') where.status = q.status;
    if (q.sector) where.sector = q.sector;
    if (q.exchange) where.exchange = q.exchange;
    if (q.cursor) where.symbol = { $gt: q.cursor };
    if (q.search) {
      const s = likeEscaped(q.search);
      where.$or = [{ symbol: { $like: `${s.toUpperCase()}%` } }, { name: { $ilike: `%${s}%` } }];
    }
    const rows = await this.em.find(Stock, where, { orderBy: { symbol: 'asc' }, limit: q.limit + 1 });
    return pageOf(rows, q.limit, (s) => s.symbol, instrumentView);
  }

  async get(symbol: string): Promise<InstrumentView> {
    return instrumentView(await this.find(this.em, symbol));
  }

  async create(body: NewInstrument): Promise<InstrumentView> {
    try {
      return await this.em.transactional(async (em) => {
        if (await em.findOne(Stock, body.symbol)) throw new InstrumentExistsError(body.symbol);
        const stock = em.create(Stock, { ...body, status: 'listed' });
        await em.flush();
        const { symbol, name, exchange, sector, industry, country, currency } = body;
        await this.outbox.record(em, InstrumentListed, symbol, { symbol, name, exchange, sector, industry, country, currency });
        return instrumentView(stock);
      });
    } catch (e) {
      if (e instanceof UniqueConstraintViolationException) throw new InstrumentExistsError(body.symbol);
      throw e;
    }
  }

  /** Delisting keeps the row and its history; a second delist changes nothing and emits nothing. */
  async delist(symbol: string): Promise<void> {
    await this.em.transactional(async (em) => {
      const stock = await this.find(em, symbol, LockMode.PESSIMISTIC_WRITE);
      if (stock.status === 'delisted') return;
      const delistedAt = new Date();
      em.assign(stock, { status: 'delisted', delistedAt });
      await em.flush();
      await this.outbox.record(em, InstrumentDelisted, symbol, { symbol, delistedAt: delistedAt.toISOString() });
    });
  }

  private async find(em: EntityManager, symbol: string, lockMode?: LockMode): Promise<Stock> {
    const stock = await em.findOne(Stock, symbol, lockMode ? { lockMode } : {});
    if (!stock) throw new InstrumentNotFoundError(symbol);
    return stock;
  }
}
