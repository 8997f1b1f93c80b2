import type { EntityManager } from '@mikro-orm/postgresql';
import { WatchlistItem } from './watchlist-item.entity';

/** Delisting keeps a symbol's items, marked so the user sees why; listing it again makes them active. */
export function followInstrumentStatus(em: EntityManager, symbol: string, listed: boolean): Promise<number> {
  const [from, to] = listed ? (['delisted', 'active'] as const) : (['active', 'delisted'] as const);
  return em.nativeUpdate(WatchlistItem, { stockSymbol: symbol, status: from }, { status: to });
}
