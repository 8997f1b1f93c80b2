import { Injectable } from '@nestjs/common';
import { AssessmentApproved, AssessmentRejected, ExecutionReported } from '@alphintra/contracts';
import type { EventHandlerSource } from '@alphintra/platform-http';
import { onEvent } from '@alphintra/platform-messaging';
import { SagaService } from './saga.service';

/** risk's decisions and the venue's reports move orders on (ARCHITECTURE.md §5). */
@Injectable()
export class OrdersConsumer implements EventHandlerSource {
  constructor(private readonly saga: SagaService) {}

  handlers() {
    return [
      onEvent(AssessmentApproved, (e, em) => this.saga.approved(em, e)),
      onEvent(AssessmentRejected, (e, em) => this.saga.rejectedByRisk(em, e)),
      onEvent(ExecutionReported, (e, em) => this.saga.executionReported(em, e)),
    ];
  }
}
