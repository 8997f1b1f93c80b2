import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AccountStateChanged, EventData } from '@alphintra/contracts';
import type { CloudEvent } from '@alphintra/platform-messaging';
import { LedgerRepository } from '../ledger/ledger.repository';
import type { OrderRow } from './order-row';
import { OrdersService } from './orders.service';
import { SagaService } from './saga.service';

/**
 * risk's kill switch and loss limits as trading applies them: the state refuses placements
 * (halted: every order; reduce_only: buys), a halt may cancel the open orders and flatten the
 * positions. An older state than the one kept changes nothing, and asks for nothing again.
 */
@Injectable()
export class AccountStateService {
  constructor(
    private readonly saga: SagaService,
    private readonly orders: OrdersService,
  ) {}

  async changed(em: EntityManager, e: CloudEvent<EventData<typeof AccountStateChanged>>): Promise<void> {
    const s = e.data;
    if (!(await LedgerRepository.setStatus(em, s.userId, { state: s.state, reason: s.reason, version: s.version }))) return;
    const cause = `${e.type}:${e.id}`;
    if (s.cancelOpenOrders) {
      const open = await em.execute<OrderRow[]>(
        `select * from "trading_data"."order" where "user_id" = ? and "status" in ('pending_risk', 'routed', 'partially_filled') order by "id" for update`,
        [s.userId],
      );
      for (const order of open) await this.saga.advance(em, order, { kind: 'cancel', reason: `account ${s.state}: ${s.reason}` }, cause);
    }
    if (s.flatten) await this.orders.flatten(em, s.userId, e.id);
  }
}
