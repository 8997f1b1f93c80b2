import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { pageOf } from '@alphintra/platform-http';
import { ComplianceLog } from './compliance-log';
import { logEntryView, type LogsQuery } from './dto/compliance.dto';
import { verifyChain, type StoredEntry } from './hash-chain';

const VERIFY_BATCH = 1000;

@Injectable()
export class ComplianceService {
  constructor(
    private readonly em: EntityManager,
    private readonly log: ComplianceLog,
  ) {}

  async logs(q: LogsQuery) {
    const rows = await this.log.page(this.em.fork(), q.cursor, q.limit + 1);
    return pageOf(rows, q.limit, (r) => r.seq, logEntryView);
  }

  /** Recomputes the whole chain from its first entry, in batches. */
  async verify() {
    const em = this.em.fork();
    const log = this.log;
    async function* all(): AsyncGenerator<StoredEntry> {
      let after: string | undefined;
      for (;;) {
        const batch = await log.page(em, after, VERIFY_BATCH);
        yield* batch;
        if (batch.length < VERIFY_BATCH) return;
        after = batch[batch.length - 1]!.seq;
      }
    }
    const entries: StoredEntry[] = [];
    for await (const e of all()) entries.push(e);
    return verifyChain(entries);
  }
}
