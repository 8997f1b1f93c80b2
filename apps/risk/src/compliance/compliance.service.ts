import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { pageOf } from '@alphintra/platform-http';
import { ComplianceLog } from './compliance-log';
import { logEntryView, type LogsQuery } from './dto/compliance.dto';
import { verdictView } from './hash-chain';

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

  /** Recomputes the whole chain from its first entry, reading it in batches (constant memory). */
  async verify() {
    return verdictView(await this.log.chain.verify(this.em.fork(), { batch: VERIFY_BATCH }));
  }
}
