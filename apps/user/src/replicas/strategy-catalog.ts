import { z } from 'zod';
import { symbol } from '@alphintra/contracts';
import { StrategyClient, StrategyUnavailableError } from '@alphintra/strategy-client';
import type { FilterFacts } from './filter-replica';
import type { InstrumentFacts } from './instrument-replica';

export interface SourceInstrument extends InstrumentFacts {
  listed: boolean;
}
export interface SourceFilter extends FilterFacts {
  active: boolean;
}

const instrument = z.looseObject({ symbol, name: z.string().min(1), exchange: z.string().min(1), status: z.string().optional() });
const filter = z.looseObject({ id: z.uuid(), key: z.string().min(1), label: z.string().min(1), status: z.string().optional() });
const page = <T extends z.ZodType>(item: T) =>
  z.union([z.array(item).transform((items) => ({ items, nextCursor: null })), z.object({ items: z.array(item), nextCursor: z.string().nullish() })]);

const MAX_PAGES = 10_000;

/** What strategy, the owner, says exists now: every page of instruments and of both kinds of filter. */
export class StrategyCatalog {
  constructor(
    private readonly strategy: StrategyClient,
    private readonly authorization?: string,
  ) {}

  async instruments(): Promise<SourceInstrument[]> {
    const items = await this.all('/api/v1/instruments', instrument);
    return items.map((i) => ({ symbol: i.symbol, name: i.name, exchange: i.exchange, listed: i.status !== 'delisted' }));
  }

  async filters(): Promise<SourceFilter[]> {
    const kinds = ['numeric', 'categorical'] as const;
    const lists = await Promise.all(kinds.map((kind) => this.all(`/api/v1/filters/${kind}`, filter)));
    return lists.flatMap((items, k) =>
      items.map((f) => ({ id: f.id, kind: kinds[k]!, key: f.key, label: f.label, active: f.status !== 'retired' && f.active !== false })),
    );
  }

  private async all<T extends z.ZodType>(path: string, item: T): Promise<z.infer<T>[]> {
    const items: z.infer<T>[] = [];
    const seen = new Set<string>();
    let cursor: string | null | undefined;
    for (let n = 0; n < MAX_PAGES; n++) {
      const query = `?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const body = page(item).safeParse(await this.strategy.get(path + query, { authorization: this.authorization }));
      if (!body.success) throw new StrategyUnavailableError(`strategy answered GET ${path} with an unexpected body: ${body.error.message}`);
      items.push(...body.data.items);
      cursor = body.data.nextCursor;
      if (!cursor) return items;
      if (seen.has(cursor)) throw new StrategyUnavailableError(`strategy repeated the cursor ${cursor} of GET ${path}`);
      seen.add(cursor);
    }
    throw new StrategyUnavailableError(`GET ${path} did not end after ${MAX_PAGES} pages`);
  }
}
