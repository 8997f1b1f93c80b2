import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { BrokerCredentials } from '../credentials/envelope';
import { ExecutionBook, type RoutedOrder, type VenueOrderRow } from '../execution/execution-book';
import type { ConnectionTestResult, SubmitContext, Venue } from './venue';

/** The live brokers a connection may name; `paper` is not one of them. */
export const LIVE_BROKERS = ['alpaca', 'ibkr', 'tradier'] as const;
export type LiveBroker = (typeof LIVE_BROKERS)[number];

/** A real broker's adapter: given a connection's opened credentials, a venue. */
export interface LiveVenueAdapter {
  readonly broker: LiveBroker;
  venue(credentials: BrokerCredentials): Venue;
}

export const NO_LIVE_ADAPTER = 'no live adapter configured';

/** What a live connection resolves to while its broker has no adapter: it tests false and rejects orders. */
export class UnconfiguredLiveVenue implements Venue {
  readonly live = true;

  constructor(
    readonly name: string,
    private readonly book: ExecutionBook,
  ) {}

  test(): Promise<ConnectionTestResult> {
    return Promise.resolve({ ok: false, detail: `${NO_LIVE_ADAPTER} for broker "${this.name}"` });
  }

  async submit(em: EntityManager, o: RoutedOrder, ctx: SubmitContext): Promise<void> {
    const vo = await this.book.accept(em, o, this.name, ctx.connectionId, ctx.slippageBps);
    if (vo) await this.book.report(em, vo, { kind: 'rejected', reason: `${NO_LIVE_ADAPTER} for broker "${this.name}"` });
  }

  async cancel(em: EntityManager, vo: VenueOrderRow): Promise<void> {
    if (vo.status === 'open') await this.book.report(em, vo, { kind: 'cancelled', reason: 'cancel requested' });
  }
}

/** The live adapters of this installation. There are none yet; the paper venue can never be registered here. */
@Injectable()
export class LiveVenueRegistry {
  private readonly adapters = new Map<string, LiveVenueAdapter>();

  register(adapter: LiveVenueAdapter): void {
    if (!(LIVE_BROKERS as readonly string[]).includes(adapter.broker)) throw new Error(`"${adapter.broker}" is not a live broker`);
    this.adapters.set(adapter.broker, adapter);
  }

  adapterFor(broker: string): LiveVenueAdapter | undefined {
    return (LIVE_BROKERS as readonly string[]).includes(broker) ? this.adapters.get(broker) : undefined;
  }
}
