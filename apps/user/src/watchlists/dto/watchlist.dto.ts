import { z } from 'zod';
import { symbol } from '@alphintra/contracts';
import type { Watchlist } from '../watchlist.entity';

export const watchlistBody = z.strictObject({ name: z.string().trim().min(1).max(100) });
export type WatchlistBody = z.infer<typeof watchlistBody>;

const tickerSymbol = z.string().trim().toUpperCase().pipe(symbol);
export const itemBody = z.strictObject({ symbol: tickerSymbol });
export type ItemBody = z.infer<typeof itemBody>;

export const watchlistParams = z.object({ id: z.uuid() });
export const itemParams = z.object({ id: z.uuid(), symbol: tickerSymbol });

export interface ItemView {
  symbol: string;
  name: string;
  exchange: string;
  status: 'active' | 'delisted';
  addedAt: string;
}

export const watchlistView = (w: Watchlist, items: ItemView[]) => ({ id: w.id, name: w.name, createdAt: w.createdAt.toISOString(), items });
