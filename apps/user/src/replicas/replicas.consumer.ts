import { Injectable } from '@nestjs/common';
import { FilterDefined, FilterRetired, InstrumentDelisted, InstrumentListed, InstrumentUpdated } from '@alphintra/contracts';
import type { EventHandlerSource } from '@alphintra/platform-http';
import { onEvent } from '@alphintra/platform-messaging';
import { FilterReplica } from './filter-replica';
import { InstrumentReplica } from './instrument-replica';

/** strategy's marketdata.* events feed the replicas; the event's time orders them against reconciliation. */
@Injectable()
export class ReplicasConsumer implements EventHandlerSource {
  constructor(
    private readonly instruments: InstrumentReplica,
    private readonly filters: FilterReplica,
  ) {}

  handlers() {
    return [
      onEvent(InstrumentListed, (e, em) => this.instruments.apply(em, e.data, new Date(e.time), true).then(() => undefined)),
      onEvent(InstrumentUpdated, (e, em) => this.instruments.apply(em, e.data, new Date(e.time), false).then(() => undefined)),
      onEvent(InstrumentDelisted, (e, em) => this.instruments.delist(em, e.data.symbol, new Date(e.time)).then(() => undefined)),
      onEvent(FilterDefined, (e, em) => this.filters.define(em, e.data, new Date(e.time)).then(() => undefined)),
      onEvent(FilterRetired, (e, em) => this.filters.retire(em, e.data.id, new Date(e.time)).then(() => undefined)),
    ];
  }
}
