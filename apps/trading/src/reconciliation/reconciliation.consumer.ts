import { Injectable } from '@nestjs/common';
import { BrokerReconciliationRequested } from '@alphintra/contracts';
import type { EventHandlerSource } from '@alphintra/platform-http';
import { onEvent } from '@alphintra/platform-messaging';
import { ReconciliationService } from './reconciliation.service';

/** broker asks for trading's view (it restarted). */
@Injectable()
export class ReconciliationConsumer implements EventHandlerSource {
  constructor(private readonly reconciliation: ReconciliationService) {}

  handlers() {
    return [onEvent(BrokerReconciliationRequested, (e, em) => this.reconciliation.sendView(em, e.data.reconciliationId, 'broker'))];
  }
}
