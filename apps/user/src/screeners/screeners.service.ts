import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { uuidv7, violates } from '@alphintra/platform-database';
import { pageOf, type PageQuery } from '@alphintra/platform-http';
import { StrategyClient, StrategyRejectedError, StrategyUnavailableError, type CallerHeaders } from '@alphintra/strategy-client';
import { screenAnswer, screenerView, screenOf, type ScreenerBody } from './dto/screener.dto';
import { Screener, ScreenerCategoricalFilter, ScreenerNumericFilter } from './screener.entity';
import {
  FilterKindMismatchError,
  RetiredFilterError,
  ScreenerDisabledError,
  ScreenerNameTakenError,
  ScreenerNotFoundError,
  ScreenRejectedError,
  UnknownFilterError,
} from './screener.errors';

interface FilterUse {
  id: string;
  kind: 'numeric' | 'categorical';
  path: string;
}

const usesOf = (b: ScreenerBody): FilterUse[] => [
  ...b.numeric.map((f, i) => ({ id: f.filterId, kind: 'numeric' as const, path: `numeric.${i}.filterId` })),
  ...b.categorical.map((f, i) => ({ id: f.filterId, kind: 'categorical' as const, path: `categorical.${i}.filterId` })),
];

@Injectable()
export class ScreenersService {
  constructor(
    private readonly em: EntityManager,
    private readonly strategy: StrategyClient,
  ) {}

  async create(userId: string, body: ScreenerBody) {
    return this.em.transactional(async (em) => {
      const uses = usesOf(body);
      await this.checkUsable(em, uses);
      const screener = em.create(Screener, { id: uuidv7(), userId, name: body.name, disabledReason: null });
      try {
        await em.flush();
        const numeric = body.numeric.map((f, position) => em.create(ScreenerNumericFilter, { screenerId: screener.id, numericFilterId: f.filterId, position, min: f.min ?? null, max: f.max ?? null }));
        const categorical = body.categorical.map((f, position) => em.create(ScreenerCategoricalFilter, { screenerId: screener.id, categoricalFilterId: f.filterId, position, values: f.values }));
        await em.flush();
        return screenerView(screener, numeric, categorical);
      } catch (e) {
        if (violates(e, 'custom_screener_user_name_key')) throw new ScreenerNameTakenError(body.name);
        if (violates(e, 'custom_screener_numeric_filter_fkey') || violates(e, 'custom_screener_categorical_filter_fkey')) throw new UnknownFilterError(unknownPath(e, uses));
        throw e;
      }
    });
  }

  async list(userId: string, page: PageQuery) {
    const rows = await this.em.find(Screener, { userId, ...(page.cursor && { id: { $gt: page.cursor } }) }, { orderBy: { id: 'asc' }, limit: page.limit + 1 });
    const filters = await this.filtersOf(this.em, rows.slice(0, page.limit).map((s) => s.id));
    return pageOf(rows, page.limit, (s) => s.id, (s) => screenerView(s, ...filters(s.id)));
  }

  async get(userId: string, id: string) {
    const screener = await this.owned(userId, id);
    return screenerView(screener, ...(await this.filtersOf(this.em, [id]))(id));
  }

  /** The cross-database join done in the app: the stored filters, run by strategy's screen API. */
  async run(userId: string, id: string, caller: CallerHeaders) {
    const screener = await this.owned(userId, id);
    if (screener.disabledReason) throw new ScreenerDisabledError(screener.disabledReason);
    const screen = screenOf(...(await this.filtersOf(this.em, [id]))(id));
    let answer: unknown;
    try {
      answer = await this.strategy.post('/api/v1/screens/run', screen, caller);
    } catch (e) {
      throw e instanceof StrategyRejectedError ? new ScreenRejectedError(e.detail) : e;
    }
    const parsed = screenAnswer.safeParse(answer);
    if (!parsed.success) throw new StrategyUnavailableError('strategy answered a screen run with an unexpected body');
    return { items: parsed.data.items };
  }

  /** Known filters must be of the right kind and not retired; unknown ones are the foreign key's to refuse. */
  private async checkUsable(em: EntityManager, uses: FilterUse[]): Promise<void> {
    // FOR SHARE holds off a concurrent retirement until this screener exists, so the policy reaches it.
    const refs = await em.execute<{ id: string; kind: string | null; status: string }[]>(
      `select "id", "kind", "status" from "user_data"."filter_ref" where "id" = any(array[?]::uuid[]) for share`,
      [uses.map((u) => u.id)],
    );
    const byId = new Map(refs.map((r) => [r.id, r]));
    for (const u of uses) {
      const ref = byId.get(u.id);
      // A tombstone (a retirement of a filter never seen) has no kind to mismatch: it is retired.
      if (ref?.kind && ref.kind !== u.kind) throw new FilterKindMismatchError(u.path, ref.kind);
      if (ref?.status === 'retired') throw new RetiredFilterError(u.path);
    }
  }

  private async owned(userId: string, id: string): Promise<Screener> {
    const screener = await this.em.findOne(Screener, { id, userId });
    if (!screener) throw new ScreenerNotFoundError();
    return screener;
  }

  private async filtersOf(em: EntityManager, ids: string[]) {
    const [numeric, categorical] = await Promise.all([
      em.find(ScreenerNumericFilter, { screenerId: { $in: ids } }, { orderBy: { position: 'asc' } }),
      em.find(ScreenerCategoricalFilter, { screenerId: { $in: ids } }, { orderBy: { position: 'asc' } }),
    ]);
    return (id: string) => [numeric.filter((f) => f.screenerId === id), categorical.filter((f) => f.screenerId === id)] as const;
  }
}

/** PostgreSQL names the missing key in the violation's detail: `Key (numeric_filter_id)=(<uuid>) is not present ...`. */
function unknownPath(e: unknown, uses: FilterUse[]): string {
  const id = /=\(([0-9a-f-]{36})\)/i.exec((e as { detail?: string }).detail ?? '')?.[1];
  return uses.find((u) => u.id === id)?.path ?? 'filterId';
}
