import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { uuidv7, violates } from '@alphintra/platform-database';
import { pageOf, type PageQuery } from '@alphintra/platform-http';
import { watchlistView, type ItemView } from './dto/watchlist.dto';
import { WatchlistItem } from './watchlist-item.entity';
import { Watchlist } from './watchlist.entity';
import {
  DelistedSymbolError,
  SymbolAlreadyWatchedError,
  UnknownSymbolError,
  WatchlistItemNotFoundError,
  WatchlistNameTakenError,
  WatchlistNotFoundError,
} from './watchlist.errors';

interface ItemRow {
  collection_id: string;
  symbol: string;
  name: string;
  exchange: string;
  status: ItemView['status'];
  added_at: Date;
}

@Injectable()
export class WatchlistsService {
  constructor(private readonly em: EntityManager) {}

  async create(userId: string, name: string) {
    return this.em.transactional(async (em) => {
      const watchlist = em.create(Watchlist, { id: uuidv7(), userId, name });
      try {
        await em.flush();
      } catch (e) {
        throw violates(e, 'custom_collection_user_name_key') ? new WatchlistNameTakenError(name) : e;
      }
      return watchlistView(watchlist, []);
    });
  }

  async list(userId: string, page: PageQuery) {
    const rows = await this.em.find(Watchlist, { userId, ...(page.cursor && { id: { $gt: page.cursor } }) }, { orderBy: { id: 'asc' }, limit: page.limit + 1 });
    const items = await this.itemsOf(this.em, rows.slice(0, page.limit).map((w) => w.id));
    return pageOf(rows, page.limit, (w) => w.id, (w) => watchlistView(w, items.get(w.id) ?? []));
  }

  async get(userId: string, id: string) {
    const watchlist = await this.owned(this.em, userId, id);
    return watchlistView(watchlist, (await this.itemsOf(this.em, [id])).get(id) ?? []);
  }

  async remove(userId: string, id: string): Promise<void> {
    if ((await this.em.nativeDelete(Watchlist, { id, userId })) === 0) throw new WatchlistNotFoundError();
  }

  /** The symbol's existence is the foreign key's to enforce, inside this one transaction. */
  async addItem(userId: string, id: string, symbol: string): Promise<ItemView> {
    return this.em.transactional(async (em) => {
      await this.owned(em, userId, id);
      // FOR SHARE holds off a concurrent delisting until this item exists, so the policy reaches it.
      const [ref] = await em.execute<{ status: string }[]>(`select "status" from "user_data"."instrument_ref" where "symbol" = ? for share`, [symbol]);
      if (ref?.status === 'delisted') throw new DelistedSymbolError(symbol);
      em.create(WatchlistItem, { collectionId: id, stockSymbol: symbol, status: 'active' });
      try {
        await em.flush();
      } catch (e) {
        if (violates(e, 'custom_collection_stock_symbol_fkey')) throw new UnknownSymbolError(symbol);
        if (violates(e, 'custom_collection_stock_pkey')) throw new SymbolAlreadyWatchedError(symbol);
        throw e;
      }
      return (await this.itemsOf(em, [id], symbol)).get(id)![0]!;
    });
  }

  async removeItem(userId: string, id: string, symbol: string): Promise<void> {
    await this.em.transactional(async (em) => {
      await this.owned(em, userId, id);
      if ((await em.nativeDelete(WatchlistItem, { collectionId: id, stockSymbol: symbol })) === 0) throw new WatchlistItemNotFoundError(symbol);
    });
  }

  /** Another user's watchlist is as absent as one that never existed. */
  private async owned(em: EntityManager, userId: string, id: string): Promise<Watchlist> {
    const watchlist = await em.findOne(Watchlist, { id, userId });
    if (!watchlist) throw new WatchlistNotFoundError();
    return watchlist;
  }

  private async itemsOf(em: EntityManager, ids: string[], symbol?: string): Promise<Map<string, ItemView[]>> {
    const byList = new Map<string, ItemView[]>();
    if (ids.length === 0) return byList;
    const rows = await em.execute<ItemRow[]>(
      `select s."collection_id", s."stock_symbol" as "symbol", i."name", i."exchange", s."status", s."added_at"
       from "user_data"."custom_collection_stock" s join "user_data"."instrument_ref" i on i."symbol" = s."stock_symbol"
       where s."collection_id" = any(array[?]::uuid[])${symbol ? ' and s."stock_symbol" = ?' : ''}
       order by s."added_at", s."stock_symbol"`,
      symbol ? [ids, symbol] : [ids],
    );
    for (const r of rows) {
      const items = byList.get(r.collection_id) ?? byList.set(r.collection_id, []).get(r.collection_id)!;
      items.push({ symbol: r.symbol, name: r.name, exchange: r.exchange, status: r.status, addedAt: new Date(r.added_at).toISOString() });
    }
    return byList;
  }
}
