import {
  OrderCancelled,
  OrderCancelRequested,
  OrderExpired,
  OrderFilled,
  OrderPartiallyFilled,
  OrderRejected,
  OrderRouted,
  OrderRoutedV2,
  OrderSubmitted,
  OrderSubmittedV2,
  type EventContract,
  type EventData,
} from '@alphintra/contracts';
import type { SubscribedEvent } from '@alphintra/platform-messaging';

/** Alpaca's trade-update event names, which most trading clients already handle. */
export type TradeEvent = 'pending_new' | 'new' | 'partial_fill' | 'fill' | 'pending_cancel' | 'canceled' | 'expired' | 'rejected';

/** The order as far as the events this gateway has seen tell; fields of events it did not see are absent. */
export interface OrderView {
  id: string;
  userId: string;
  symbol: string;
  status: string;
  side?: string;
  type?: string;
  quantity?: string;
  limitPrice?: string | null;
  stopPrice?: string | null;
  trailPrice?: string | null;
  trailPercent?: string | null;
  timeInForce?: string;
  filledQuantity?: string;
  avgFillPrice?: string;
  rejectReasons?: string[];
  submittedAt?: string;
  updatedAt: string;
}

export interface TradeUpdate {
  event: TradeEvent;
  /** The CloudEvents id of the event behind this update: what `since` names on a resume. */
  eventId: string;
  at: string;
  order: OrderView;
  /** For `partial_fill`: what this fill booked. */
  fill?: { quantity: string; price: string };
}

/** trading's order statuses (GET /orders), so a client can put an update beside what it read there. */
const TERMINAL = new Set(['filled', 'cancelled', 'expired', 'rejected']);

/** The trading.order.* types and what each one is on the stream: its event name and the order status after it. */
const ORDER_EVENTS = new Map<EventContract, { event: TradeEvent; status: string }>([
  [OrderSubmitted, { event: 'pending_new', status: 'pending_risk' }],
  [OrderSubmittedV2, { event: 'pending_new', status: 'pending_risk' }],
  [OrderRouted, { event: 'new', status: 'routed' }],
  [OrderRoutedV2, { event: 'new', status: 'routed' }],
  [OrderRejected, { event: 'rejected', status: 'rejected' }],
  [OrderPartiallyFilled, { event: 'partial_fill', status: 'partially_filled' }],
  [OrderFilled, { event: 'fill', status: 'filled' }],
  [OrderCancelRequested, { event: 'pending_cancel', status: 'cancel_requested' }],
  [OrderCancelled, { event: 'canceled', status: 'cancelled' }],
  [OrderExpired, { event: 'expired', status: 'expired' }],
]);

export const ORDER_CONTRACTS = [...ORDER_EVENTS.keys()];

type AnyOrderData = Partial<
  EventData<typeof OrderSubmittedV2> & EventData<typeof OrderFilled> & EventData<typeof OrderPartiallyFilled> & EventData<typeof OrderRejected> & EventData<typeof OrderExpired>
> & {
  orderId: string;
  userId: string;
  symbol: string;
};

/**
 * The last known state of recent orders, newest-touched last, at most `maxOrders` (the oldest are
 * forgotten: an update of a forgotten order carries only what its own event says).
 */
export class OrderViews {
  private readonly views = new Map<string, OrderView>();

  constructor(private readonly maxOrders: number) {}

  get size(): number {
    return this.views.size;
  }

  /** The update a trading.order.* event makes, if it makes one. */
  apply({ contract, event }: SubscribedEvent): TradeUpdate | undefined {
    const mapped = ORDER_EVENTS.get(contract);
    if (!mapped) return undefined;
    const d = event.data as AnyOrderData;
    const view = this.touch(d.orderId, () => ({ id: d.orderId, userId: d.userId, symbol: d.symbol, status: mapped.status, updatedAt: event.time }));
    if (view.userId !== d.userId) return undefined; // an order id reused by another user: never show it to either
    if (contract === OrderSubmitted || contract === OrderRouted || contract === OrderSubmittedV2 || contract === OrderRoutedV2) {
      Object.assign(view, { side: d.side, type: d.type, quantity: d.quantity, limitPrice: d.limitPrice, timeInForce: d.timeInForce });
      if (d.stopPrice !== undefined) Object.assign(view, { stopPrice: d.stopPrice, trailPrice: d.trailPrice, trailPercent: d.trailPercent });
      view.submittedAt ??= d.submittedAt;
    }
    // A late event never moves a finished order back (events of one order arrive in order, but a view can start late).
    if (!TERMINAL.has(view.status) || TERMINAL.has(mapped.status)) view.status = mapped.status;
    if (contract === OrderFilled) Object.assign(view, { filledQuantity: d.quantity, avgFillPrice: d.avgFillPrice, side: d.side });
    if (contract === OrderPartiallyFilled) Object.assign(view, { filledQuantity: d.filledQuantity, avgFillPrice: d.avgFillPrice, side: d.side });
    if (contract === OrderCancelled || contract === OrderExpired) view.filledQuantity = d.filledQuantity;
    if (contract === OrderRejected) view.rejectReasons = d.reasons;
    view.updatedAt = event.time;
    const fill = contract === OrderPartiallyFilled ? { fill: { quantity: d.fillQuantity!, price: d.fillPrice! } } : {};
    return { event: mapped.event, eventId: event.id, at: event.time, order: { ...view }, ...fill };
  }

  private touch(id: string, create: () => OrderView): OrderView {
    const view = this.views.get(id) ?? create();
    this.views.delete(id);
    this.views.set(id, view);
    if (this.views.size > this.maxOrders) this.views.delete(this.views.keys().next().value!);
    return view;
  }
}
