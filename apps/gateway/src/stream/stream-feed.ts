import { AccountStateChanged, BarClosed, PositionChanged, QuoteUpdated, type EventContract, type EventData } from '@alphintra/contracts';
import type { SubscribedEvent } from '@alphintra/platform-messaging';
import type { StreamHub } from './stream.hub';
import { frame } from './stream.protocol';
import { ORDER_CONTRACTS, type OrderViews } from './trade-updates';
import type { UpdateJournal } from './update-journal';

/** The events the stream is made of. */
export const STREAM_CONTRACTS: EventContract[] = [QuoteUpdated, BarClosed, ...ORDER_CONTRACTS, PositionChanged, AccountStateChanged];

type Position = EventData<typeof PositionChanged>;
type AccountState = EventData<typeof AccountStateChanged>;

/** Turns each subscribed event into the frames of the clients it concerns: each frame is serialized once, whoever receives it. */
export class StreamFeed {
  constructor(
    private readonly hub: StreamHub,
    private readonly views: OrderViews,
    private readonly journal: UpdateJournal,
  ) {}

  onEvent = (e: SubscribedEvent): void => {
    const { contract, event } = e;
    const data = event.data as Record<string, unknown>;
    if (contract === QuoteUpdated) return this.hub.quote(data.symbol as string, frame('quote', data));
    if (contract === BarClosed) return this.hub.bar(data.symbol as string, frame('bar', data));
    if (contract === AccountStateChanged) return this.hub.toUser(data.userId as string, 'account', frame('account', accountState(event.id, data as AccountState)));
    const update = this.views.apply(e);
    if (update) {
      const text = frame('trade_update', update);
      this.journal.record(update.order.userId, update.eventId, text);
      this.hub.toUser(update.order.userId, 'trades', text);
    }
    if (contract === PositionChanged) this.hub.toUser(data.userId as string, 'account', frame('account', position(event.id, data as Position)));
  };
}

/** No event carries the account's cash yet (trading publishes positions only): `account` tells positions and the trading state. */
const position = (eventId: string, p: Position) => ({
  kind: 'position',
  eventId,
  symbol: p.symbol,
  quantity: p.quantity,
  avgEntryPrice: p.avgPrice,
  realizedPnl: p.realizedPnl,
  orderId: p.orderId,
  fillQuantity: p.fillQuantity,
  at: p.changedAt,
});

const accountState = (eventId: string, s: AccountState) => ({ kind: 'status', eventId, status: s.state, previousStatus: s.previousState, reason: s.reason, trigger: s.trigger, at: s.at });
