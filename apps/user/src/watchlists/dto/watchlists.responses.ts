import { z } from 'zod';
import { wire } from '@alphintra/platform-http';

export const watchlistItemResponse = z.object({
  symbol: z.string(),
  name: z.string(),
  exchange: z.string(),
  status: z.enum(['active', 'delisted']),
  addedAt: wire.timestamp(),
});

export const watchlistResponse = z.object({ id: wire.uuid(), name: z.string(), createdAt: wire.timestamp(), items: z.array(watchlistItemResponse) });
export const watchlistPageResponse = wire.page(watchlistResponse);
