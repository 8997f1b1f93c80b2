import { Injectable } from '@nestjs/common';
import { BlacklistAdded, BlacklistRemoved, OrderCancelled, OrderExpired, OrderFilled, OrderRejected, OrderSubmitted, OrderSubmittedV2, PositionChanged, PriceUpdated } from '@alphintra/contracts';
import type { EventHandlerSource } from '@alphintra/platform-http';
import { onEvent } from '@alphintra/platform-messaging';
import { LossMonitor } from '../accounts/loss-monitor.service';
import { AssessmentsService } from './assessments.service';
import { ReadModels } from './read-models';

/** The order saga's side of risk, plus the read models its rules and loss limits need. */
@Injectable()
export class RiskConsumer implements EventHandlerSource {
  constructor(
    private readonly assessments: AssessmentsService,
    private readonly models: ReadModels,
    private readonly monitor: LossMonitor,
  ) {}

  handlers() {
    return [
      onEvent(OrderSubmitted, (e, em) => this.assessments.assess(e.data, em)),
      onEvent(OrderSubmittedV2, (e, em) => this.assessments.assess(e.data, em)),
      onEvent(OrderFilled, (e, em) => this.assessments.closeOrder(em, e.data.orderId, e.data.userId, e.type, e.data.filledAt)),
      onEvent(OrderRejected, (e, em) => this.assessments.closeOrder(em, e.data.orderId, e.data.userId, e.type, e.data.rejectedAt)),
      onEvent(OrderCancelled, (e, em) => this.assessments.closeOrder(em, e.data.orderId, e.data.userId, e.type, e.data.cancelledAt)),
      onEvent(OrderExpired, (e, em) => this.assessments.closeOrder(em, e.data.orderId, e.data.userId, e.type, e.data.expiredAt)),
      onEvent(PositionChanged, async (e, em) => {
        await this.models.position(em, e.data);
        await this.monitor.positionChanged(em, e.data.userId, new Date(e.data.changedAt));
      }),
      // Last prices at most once a second per symbol (ADR 0024); quotes are too many for an inbox transaction each.
      onEvent(PriceUpdated, (e, em) => this.monitor.price(em, e.data.symbol, e.data.price, new Date(e.data.at))),
      onEvent(BlacklistAdded, (e, em) => this.models.blacklist(em, e.data.symbol, e.data, new Date(e.time))),
      onEvent(BlacklistRemoved, (e, em) => this.models.blacklist(em, e.data.symbol, null, new Date(e.time))),
    ];
  }
}
