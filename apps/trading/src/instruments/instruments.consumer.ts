import { Injectable } from '@nestjs/common';
import { BlacklistAdded, InstrumentDelisted, InstrumentListed, InstrumentUpdated, PriceUpdated } from '@alphintra/contracts';
import type { EventHandlerSource } from '@alphintra/platform-http';
import { onEvent } from '@alphintra/platform-messaging';
import { SagaService } from '../orders/saga.service';
import { InstrumentReplica } from './instrument-replica';

/** strategy's marketdata.* events feed the instrument replica the order's foreign key points at; a delisting or a blacklisting cancels open orders. */
@Injectable()
export class InstrumentsConsumer implements EventHandlerSource {
  constructor(
    private readonly replica: InstrumentReplica,
    private readonly saga: SagaService,
  ) {}

  handlers() {
    return [
      onEvent(InstrumentListed, (e, em) => this.replica.listed(em, e.data, new Date(e.time), true)),
      onEvent(InstrumentUpdated, (e, em) => this.replica.listed(em, e.data, new Date(e.time), false)),
      onEvent(InstrumentDelisted, async (e, em) => {
        if (await this.replica.delisted(em, e.data.symbol, new Date(e.time))) await this.saga.cancelOpenOrdersOf(em, e.data.symbol, `${e.type}:${e.id}`);
      }),
      onEvent(BlacklistAdded, (e, em) => this.saga.cancelOpenOrdersOf(em, e.data.symbol, `${e.type}:${e.id}`, `${e.data.symbol} was blacklisted`)),
      onEvent(PriceUpdated, (e, em) => this.replica.price(em, e.data.symbol, e.data.price, new Date(e.data.at))),
    ];
  }
}
