import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { MikroORM, type EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { FilterDefined } from '@alphintra/contracts';
import { LOGGER } from '@alphintra/platform-http';
import { OutboxPublisher } from '@alphintra/platform-messaging';

const TABLES = { numeric: 'numeric_filter', categorical: 'categorical_filter' } as const;

/**
 * Emits `marketdata.filter.defined` once for each active filter not yet announced (the seeded ones
 * on first start). Rows are claimed with SKIP LOCKED and stamped `announced_at` in the transaction
 * of their outbox rows, so replicas starting together announce each filter exactly once.
 */
@Injectable()
export class FilterAnnouncer implements OnApplicationBootstrap {
  constructor(
    private readonly orm: MikroORM,
    private readonly outbox: OutboxPublisher,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      const announced = await this.orm.em.fork().transactional((em) => this.announcePending(em));
      if (announced) this.logger.info({ announced }, 'filter definitions announced');
    } catch (err) {
      this.logger.error({ err }, 'filter definitions not announced; the next start retries');
    }
  }

  async announcePending(em: EntityManager): Promise<number> {
    let count = 0;
    for (const [kind, table] of Object.entries(TABLES) as [keyof typeof TABLES, string][]) {
      const pending = await em.execute<{ id: string; key: string; label: string }[]>(
        `select "id", "key", "label" from "strategy_data"."${table}" where "announced_at" is null and "status" = 'active' order by "key" for update skip locked`,
      );
      if (pending.length === 0) continue;
      await this.outbox.recordMany(em, FilterDefined, pending.map((f) => ({ subject: f.id, data: { id: f.id, kind, key: f.key, label: f.label } })));
      await em.execute(`update "strategy_data"."${table}" set "announced_at" = now() where "id" in (${pending.map(() => '?').join(', ')})`, pending.map((f) => f.id));
      count += pending.length;
    }
    return count;
  }
}
