import { Injectable } from '@nestjs/common';
import { OrderCancelRequested, OrderRouted, OrderRoutedV2, PriceUpdated } from '@alphintra/contracts';
import type { EventHandlerSource } from '@alphintra/platform-http';
import { onEvent } from '@alphintra/platform-messaging';
import { PaperVenue } from '../venues/paper.venue';
import { routedOfV1 } from './execution-book';
import { ExecutionService } from './execution.service';

/** The order saga's side of the broker, plus the prices the paper venue fills against. */
@Injectable()
export class ExecutionConsumer implements EventHandlerSource {
  constructor(
    private readonly executions: ExecutionService,
    private readonly paper: PaperVenue,
  ) {}

  handlers() {
    return [
      onEvent(OrderRouted, (e, em) => this.executions.route(routedOfV1(e.data), em)),
      onEvent(OrderRoutedV2, (e, em) => this.executions.route(e.data, em)),
      onEvent(OrderCancelRequested, (e, em) => this.executions.cancel(e.data, em)),
      onEvent(PriceUpdated, (e, em) => this.paper.onPrice(em, e.data.symbol, e.data.price, e.data.at, e.data)),
    ];
  }
}
