import { z } from 'zod';
import { defineEvent } from '../event-contract';
import { decimalString, isoTime, symbol } from '../schemas';
import { TOPICS } from '../topics';

/** The order lifecycle of ARCHITECTURE.md section 5. Keys: the order id (position: userId:symbol). */
const side = z.enum(['buy', 'sell']);
const orderType = z.enum(['market', 'limit']);
const timeInForce = z.enum(['day', 'gtc']);

const order = z.object({
  orderId: z.uuid(),
  userId: z.uuid(),
  symbol,
  side,
  type: orderType,
  quantity: decimalString,
  limitPrice: decimalString.nullable(),
  timeInForce,
});

export const OrderSubmitted = defineEvent({
  type: 'trading.order.submitted',
  version: 1,
  topic: TOPICS.tradingOrder,
  schema: order.extend({
    /** Price trading used to reserve buying power (limit price, or last price for market orders). */
    referencePrice: decimalString,
    /** Cash available to the account after this order's reservation. */
    buyingPower: decimalString,
    submittedAt: isoTime,
    /**
     * The worst price the order may ever fill at: the highest for a buy (its reservation price),
     * the lowest for a sell. Optional for events recorded before it existed.
     */
    worstPrice: decimalString.optional(),
    /** The last market price trading knew at placement (null: none yet). */
    lastPrice: decimalString.nullable().optional(),
    /** For sells: the shares the account held and had not committed to other open sells, before this order. */
    availableQuantity: decimalString.optional(),
  }),
});

export const OrderRouted = defineEvent({
  type: 'trading.order.routed',
  version: 1,
  topic: TOPICS.tradingOrder,
  schema: order.extend({
    assessmentId: z.uuid(),
    routedAt: isoTime,
    /** The venue never fills beyond it: not above it for a buy, not below it for a sell. */
    worstPrice: decimalString.optional(),
  }),
});

/**
 * Version 2 of the order part: the order types and times in force of the order model (ADR 0036).
 * Stops and trailing stops trigger on the venue's last trade price and then act as a market
 * (stop, trailing_stop) or limit (stop_limit) order. Widening an enum is incompatible for
 * consumers of version 1, so these are new versions; consumers accept both while both are in
 * flight, and trading publishes version 2 only.
 */
export const ORDER_TYPES = ['market', 'limit', 'stop', 'stop_limit', 'trailing_stop'] as const;
export const TIMES_IN_FORCE = ['day', 'gtc', 'ioc', 'fok', 'opg', 'cls'] as const;
const orderV2 = order.extend({
  type: z.enum(ORDER_TYPES),
  timeInForce: z.enum(TIMES_IN_FORCE),
  /** The trigger of a stop or stop_limit (null otherwise). */
  stopPrice: decimalString.nullable(),
  /** A trailing stop's distance from the best price since placement: in price, or in percent (exactly one; null otherwise). */
  trailPrice: decimalString.nullable(),
  trailPercent: decimalString.nullable(),
});

export const OrderSubmittedV2 = defineEvent({
  type: 'trading.order.submitted',
  version: 2,
  topic: TOPICS.tradingOrder,
  schema: orderV2.extend({
    /** Price trading used to reserve buying power and value the order. */
    referencePrice: decimalString,
    /** Cash available to the account after this order's reservation. */
    buyingPower: decimalString,
    submittedAt: isoTime,
    /** The worst price the order may ever fill at: the highest for a buy (its reservation price), the lowest for a sell. */
    worstPrice: decimalString,
    /** The last market price trading knew at placement (null: none yet). */
    lastPrice: decimalString.nullable(),
    /** For sells: the shares the account held and had not committed to other open sells, before this order. */
    availableQuantity: decimalString.optional(),
  }),
});

export const OrderRoutedV2 = defineEvent({
  type: 'trading.order.routed',
  version: 2,
  topic: TOPICS.tradingOrder,
  schema: orderV2.extend({
    assessmentId: z.uuid(),
    routedAt: isoTime,
    /** The venue never fills beyond it: not above it for a buy, not below it for a sell (null: an order placed before it existed). */
    worstPrice: decimalString.nullable(),
  }),
});

export const OrderRejected = defineEvent({
  type: 'trading.order.rejected',
  version: 1,
  topic: TOPICS.tradingOrder,
  schema: z.object({ orderId: z.uuid(), userId: z.uuid(), symbol, reasons: z.array(z.string()).min(1), rejectedAt: isoTime }),
});

export const OrderFilled = defineEvent({
  type: 'trading.order.filled',
  version: 1,
  topic: TOPICS.tradingOrder,
  schema: z.object({ orderId: z.uuid(), userId: z.uuid(), symbol, side, quantity: decimalString, avgFillPrice: decimalString, filledAt: isoTime }),
});

/** A fill that leaves the order open: what it booked and where the order stands (the last fill is trading.order.filled). */
export const OrderPartiallyFilled = defineEvent({
  type: 'trading.order.partially-filled',
  version: 1,
  topic: TOPICS.tradingOrder,
  schema: z.object({
    orderId: z.uuid(),
    userId: z.uuid(),
    symbol,
    side,
    fillQuantity: decimalString,
    fillPrice: decimalString,
    /** The order's cumulative filled quantity and average price after this fill. */
    filledQuantity: decimalString,
    avgFillPrice: decimalString,
    filledAt: isoTime,
  }),
});

export const OrderCancelRequested = defineEvent({
  type: 'trading.order.cancel-requested',
  version: 1,
  topic: TOPICS.tradingOrder,
  schema: z.object({ orderId: z.uuid(), userId: z.uuid(), symbol, requestedAt: isoTime, reason: z.string().optional() }),
});

/** A DAY order reached the session close unfilled (or partly filled): what was left of it is gone. */
export const OrderExpired = defineEvent({
  type: 'trading.order.expired',
  version: 1,
  topic: TOPICS.tradingOrder,
  schema: z.object({ orderId: z.uuid(), userId: z.uuid(), symbol, filledQuantity: decimalString, expiredAt: isoTime }),
});

export const OrderCancelled = defineEvent({
  type: 'trading.order.cancelled',
  version: 1,
  topic: TOPICS.tradingOrder,
  schema: z.object({ orderId: z.uuid(), userId: z.uuid(), symbol, filledQuantity: decimalString, cancelledAt: isoTime }),
});

export const PositionChanged = defineEvent({
  type: 'trading.position.changed',
  version: 1,
  topic: TOPICS.tradingPosition,
  schema: z.object({
    userId: z.uuid(),
    symbol,
    quantity: decimalString,
    avgPrice: decimalString,
    realizedPnl: decimalString,
    changedAt: isoTime,
    /** The fill that changed it: its order and quantity (absent on events recorded before they existed). */
    orderId: z.uuid().optional(),
    fillQuantity: decimalString.optional(),
  }),
});

const assessment = z.object({
  assessmentId: z.uuid(),
  orderId: z.uuid(),
  userId: z.uuid(),
  /** Every rule's outcome, passed or not. */
  rules: z.array(z.object({ rule: z.string(), passed: z.boolean(), detail: z.string() })),
  assessedAt: isoTime,
});

export const AssessmentApproved = defineEvent({ type: 'risk.assessment.approved', version: 1, topic: TOPICS.riskAssessment, schema: assessment });
export const AssessmentRejected = defineEvent({
  type: 'risk.assessment.rejected',
  version: 1,
  topic: TOPICS.riskAssessment,
  schema: assessment.extend({ reasons: z.array(z.string()).min(1) }),
});

/** A venue's report on an order: a (partial) fill, a rejection, or a cancellation. */
export const ExecutionReported = defineEvent({
  type: 'broker.execution.reported',
  version: 1,
  topic: TOPICS.brokerExecution,
  schema: z.object({
    executionId: z.uuid(),
    orderId: z.uuid(),
    userId: z.uuid(),
    symbol,
    side,
    kind: z.enum(['fill', 'rejected', 'cancelled']),
    /** For fills: this execution's quantity and price. */
    quantity: decimalString.nullable(),
    price: decimalString.nullable(),
    /** The order's cumulative filled quantity after this report. */
    cumulativeQuantity: decimalString,
    leavesQuantity: decimalString,
    reason: z.string().nullable(),
    venue: z.string(),
    reportedAt: isoTime,
  }),
});

/**
 * Reconciliation on restart (ADR 0011). broker asks for trading's view of the orders at the
 * venue; trading answers (and sends it unasked when it starts) with, per order, the executions
 * it has booked; broker records again each of its executions trading lacks, under the same
 * executionId, so trading's dedup applies it at most once. Key: the reconciliation id.
 */
export const BrokerReconciliationRequested = defineEvent({
  type: 'broker.reconciliation.requested',
  version: 1,
  topic: TOPICS.brokerReconciliation,
  schema: z.object({ reconciliationId: z.uuid(), requestedAt: isoTime }),
});

/** One chunk of trading's view: its orders that reached the venue and are not terminal. */
export const TradingReconciliationRequested = defineEvent({
  type: 'trading.reconciliation.requested',
  version: 1,
  topic: TOPICS.tradingReconciliation,
  schema: z.object({
    /** broker's request it answers, or trading's own at its start. */
    reconciliationId: z.uuid(),
    /** 0-based; a view is sent as `chunks` events of a bounded number of orders each. */
    chunk: z.number().int().min(0),
    chunks: z.number().int().min(1),
    /** When trading read its view. */
    asOf: isoTime,
    orders: z.array(
      z.object({
        orderId: z.uuid(),
        userId: z.uuid(),
        /** routed, partially_filled or cancel_requested. */
        status: z.string(),
        filledQuantity: decimalString,
        /** Every venue execution (fill) trading has booked for the order. */
        executionIds: z.array(z.uuid()),
      }),
    ),
  }),
});
