import { Injectable } from '@nestjs/common';
import { TradingReconciliationRequested } from '@alphintra/contracts';
import type { EventHandlerSource } from '@alphintra/platform-http';
import { onEvent } from '@alphintra/platform-messaging';
import { ReconciliationService } from './reconciliation.service';

/** trading's view of its open orders, chunk by chunk. */
@Injectable()
export class ReconciliationConsumer implements EventHandlerSource {
  constructor(private readonly reconciliation: ReconciliationService) {}

  handlers() {
    return [onEvent(TradingReconciliationRequested, (e, em) => this.reconciliation.compare(em, e.data))];
  }
}
