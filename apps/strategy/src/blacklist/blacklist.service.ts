import { Injectable } from '@nestjs/common';
import { EntityManager, LockMode, UniqueConstraintViolationException } from '@mikro-orm/postgresql';
import { BlacklistAdded, BlacklistRemoved } from '@alphintra/contracts';
import { OutboxPublisher } from '@alphintra/platform-messaging';
import { pageOf } from '../common/page';
import { Stock } from '../instruments/stock.entity';
import { BlacklistEntry } from './blacklist-entry.entity';
import { AlreadyBlacklistedError, NotBlacklistedError, UnknownSymbolError } from './blacklist.errors';
import { blacklistView, type BlacklistQuery, type NewBlacklistEntry } from './dto/blacklist.dto';

@Injectable()
export class BlacklistService {
  constructor(
    private readonly em: EntityManager,
    private readonly outbox: OutboxPublisher,
  ) {}

  async list(q: BlacklistQuery) {
    const rows = await this.em.find(BlacklistEntry, q.cursor ? { symbol: { $gt: q.cursor } } : {}, { orderBy: { symbol: 'asc' }, limit: q.limit + 1 });
    return pageOf(rows, q.limit, (e) => e.symbol, blacklistView);
  }

  async get(symbol: string) {
    const entry = await this.em.findOne(BlacklistEntry, symbol);
    if (!entry) throw new NotBlacklistedError(symbol);
    return blacklistView(entry);
  }

  async add(body: NewBlacklistEntry, addedBy: string) {
    try {
      return await this.em.transactional(async (em) => {
        if (!(await em.findOne(Stock, body.symbol, { lockMode: LockMode.PESSIMISTIC_READ }))) throw new UnknownSymbolError(body.symbol);
        if (await em.findOne(BlacklistEntry, body.symbol)) throw new AlreadyBlacklistedError(body.symbol);
        const entry = em.create(BlacklistEntry, { ...body, addedBy });
        await em.flush();
        await this.outbox.record(em, BlacklistAdded, body.symbol, { symbol: body.symbol, reason: body.reason });
        return blacklistView(entry);
      });
    } catch (e) {
      if (e instanceof UniqueConstraintViolationException) throw new AlreadyBlacklistedError(body.symbol);
      throw e;
    }
  }

  async remove(symbol: string): Promise<void> {
    await this.em.transactional(async (em) => {
      const entry = await em.findOne(BlacklistEntry, symbol, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!entry) throw new NotBlacklistedError(symbol);
      em.remove(entry);
      await em.flush();
      await this.outbox.record(em, BlacklistRemoved, symbol, { symbol });
    });
  }
}
