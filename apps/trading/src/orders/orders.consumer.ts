import { Injectable } from '@nestjs/common';
import { AccountStateChanged, AssessmentApproved, AssessmentRejected, ExecutionReported } from '@alphintra/contracts';
import type { EventHandlerSource } from '@alphintra/platform-http';
import { onEvent } from '@alphintra/platform-messaging';
import { AccountStateService } from './account-state.service';
import { SagaService } from './saga.service';

/** risk's decisions and the venue's reports move orders on (ARCHITECTURE.md §5); risk's account state gates them. */
@Injectable()
export class OrdersConsumer implements EventHandlerSource {
  constructor(
    private readonly saga: SagaService,
    private readonly accounts: AccountStateService,
  ) {}

  handlers() {
    return [
      onEvent(AssessmentApproved, (e, em) => this.saga.approved(em, e)),
      onEvent(AssessmentRejected, (e, em) => this.saga.rejectedByRisk(em, e)),
      onEvent(ExecutionReported, (e, em) => this.saga.executionReported(em, e)),
      onEvent(AccountStateChanged, (e, em) => this.accounts.changed(em, e)),
    ];
  }
}
