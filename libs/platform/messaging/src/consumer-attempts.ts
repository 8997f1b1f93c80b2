import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';

/** Offsets `first..last` of one partition were begun `attempts` times and not finished (0: finished). */
export interface AttemptRange {
  first: bigint;
  last: bigint;
  attempts: number;
}

/**
 * The `consumer_attempt` table: per consumer group and partition, the range of offsets being
 * handled. A range is recorded (and committed) before its handlers run and finished inside the
 * transaction of its effects, so a range still unfinished when the partition is next read was
 * the one that brought the process down.
 */
export class ConsumerAttempts {
  private readonly table: string;

  constructor(
    private readonly orm: MikroORM,
    schema: string,
    private readonly groupId: string,
  ) {
    this.table = `"${schema}"."consumer_attempt"`;
  }

  async unfinished(topic: string, partition: number): Promise<AttemptRange | undefined> {
    const [row] = await this.orm.em
      .fork()
      .execute<{ first_offset: string; last_offset: string; attempts: number }[]>(
        `select "first_offset", "last_offset", "attempts" from ${this.table} where "group_id" = ? and "topic" = ? and "partition" = ? and "attempts" > 0`,
        [this.groupId, topic, partition],
      );
    return row && { first: BigInt(row.first_offset), last: BigInt(row.last_offset), attempts: row.attempts };
  }

  /** Committed on its own, before the handlers run. */
  async begin(topic: string, partition: number, r: AttemptRange): Promise<void> {
    await this.orm.em.fork().execute(
      `insert into ${this.table} ("group_id", "topic", "partition", "first_offset", "last_offset", "attempts") values (?, ?, ?, ?, ?, ?)
       on conflict ("group_id", "topic", "partition") do update
       set "first_offset" = excluded."first_offset", "last_offset" = excluded."last_offset", "attempts" = excluded."attempts", "updated_at" = now()`,
      [this.groupId, topic, partition, String(r.first), String(r.last), r.attempts],
      'run',
    );
  }

  /** In the effects' transaction: `begun` is finished; `rest` (if any) is what remains of a range under suspicion. */
  async finish(em: EntityManager, topic: string, partition: number, begun: AttemptRange, rest?: AttemptRange): Promise<void> {
    const next = rest ?? { ...begun, attempts: 0 };
    await em.execute(
      `update ${this.table} set "first_offset" = ?, "last_offset" = ?, "attempts" = ?, "updated_at" = now()
       where "group_id" = ? and "topic" = ? and "partition" = ? and "first_offset" = ? and "last_offset" = ?`,
      [String(next.first), String(next.last), next.attempts, this.groupId, topic, partition, String(begun.first), String(begun.last)],
      'run',
    );
  }
}
