import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { parseStrategySpec, type StrategySpec } from '@alphintra/backtesting';
import type { EventData, WorkflowPublished } from '@alphintra/contracts';
import { query } from '@alphintra/platform-database';
import { LOGGER } from '@alphintra/platform-http';
import { pageOf } from '../common/page';
import type { ListStrategiesQuery } from './dto/strategy.dto';
import { InvalidStrategySpecError, StrategyNotFoundError } from './strategies.errors';

export interface StrategyRow {
  id: string;
  userId: string;
  name: string;
  spec: StrategySpec;
  source: 'api' | 'nocode';
  workflowId: string | null;
  workflowVersion: number | null;
  createdAt: string;
}

const COLUMNS = `"id", "user_id" as "userId", "name", "spec", "source", "workflow_id" as "workflowId", "workflow_version" as "workflowVersion", to_json("created_at")#>>'{}' as "createdAt"`;

export const strategyView = ({ userId: _userId, ...s }: StrategyRow) => s;

@Injectable()
export class StrategiesService {
  constructor(
    private readonly em: EntityManager,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async create(userId: string, name: string, rawSpec: unknown) {
    const parsed = parseStrategySpec(rawSpec);
    if (!parsed.ok) throw new InvalidStrategySpecError(parsed.errors);
    const [row] = await query<StrategyRow>(
      this.em,
      `insert into "strategy_data"."strategy" ("id", "user_id", "name", "spec", "source") values ($1, $2, $3, $4::jsonb, 'api') returning ${COLUMNS}`,
      [randomUUID(), userId, name, JSON.stringify(parsed.spec)],
    );
    return strategyView(row!);
  }

  async get(userId: string, id: string) {
    return strategyView(await this.find(this.em, userId, id));
  }

  /** The caller's strategy or 404 (also when it is another user's). */
  async find(em: EntityManager, userId: string, id: string): Promise<StrategyRow> {
    const [row] = await query<StrategyRow>(em, `select ${COLUMNS} from "strategy_data"."strategy" where "id" = $1 and "user_id" = $2`, [id, userId]);
    if (!row) throw new StrategyNotFoundError(id);
    return row;
  }

  async list(userId: string, q: ListStrategiesQuery) {
    const rows = await query<StrategyRow>(
      this.em,
      `select ${COLUMNS} from "strategy_data"."strategy" where "user_id" = $1 and ($2::uuid is null or "id" > $2) order by "id" limit $3`,
      [userId, q.cursor ?? null, q.limit + 1],
    );
    return pageOf(rows, q.limit, (r) => r.id, strategyView);
  }

  /**
   * A published workflow becomes (or replaces the spec of) the strategy of that workflow version.
   * An invalid spec is not retried: it is logged and recorded as rejected, and the event is done.
   */
  async registerWorkflow(e: EventData<typeof WorkflowPublished>, em: EntityManager): Promise<void> {
    const parsed = parseStrategySpec(e.spec);
    if (!parsed.ok) {
      this.logger.warn({ workflowId: e.workflowId, version: e.version, errors: parsed.errors }, 'published workflow spec rejected');
      await query(
        em,
        `insert into "strategy_data"."strategy_rejection" ("workflow_id", "workflow_version", "user_id", "name", "spec", "errors")
         values ($1, $2, $3, $4, $5::jsonb, $6::jsonb)
         on conflict ("workflow_id", "workflow_version") do update set "spec" = excluded."spec", "errors" = excluded."errors", "rejected_at" = now()`,
        [e.workflowId, e.version, e.userId, e.name, JSON.stringify(e.spec), JSON.stringify(parsed.errors)],
      );
      return;
    }
    await query(
      em,
      `insert into "strategy_data"."strategy" ("id", "user_id", "name", "spec", "source", "workflow_id", "workflow_version")
       values ($1, $2, $3, $4::jsonb, 'nocode', $5, $6)
       on conflict ("workflow_id", "workflow_version") do update set "name" = excluded."name", "spec" = excluded."spec", "updated_at" = now()
       where "strategy"."user_id" = excluded."user_id"`,
      [randomUUID(), e.userId, e.name, JSON.stringify(parsed.spec), e.workflowId, e.version],
    );
  }
}
