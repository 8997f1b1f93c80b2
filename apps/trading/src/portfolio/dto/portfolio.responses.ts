import { z } from 'zod';
import { wire } from '@alphintra/platform-http';
import { orderResponse } from '../../orders/dto/orders.responses';

export const portfolioResponse = z.object({
  cash: wire.decimal(),
  reserved: wire.decimal(),
  buyingPower: wire.decimal(),
  equity: wire.decimal(),
  positions: z.array(
    z.object({
      symbol: z.string(),
      quantity: wire.decimal(),
      /** Shares not committed to open sells. */
      availableQuantity: wire.decimal(),
      avgPrice: wire.decimal(),
      marketPrice: wire.decimal().nullable(),
      unrealizedPnl: wire.decimal(),
      realizedPnl: wire.decimal(),
    }),
  ),
});

export const depositResponse = z.object({ id: wire.uuid(), amount: wire.decimal(), at: wire.timestamp(), cash: wire.decimal(), buyingPower: wire.decimal() });

export const executionPageResponse = wire.page(
  z.object({
    id: wire.uuid(),
    executionId: z.string(),
    orderId: wire.uuid(),
    symbol: z.string(),
    side: z.enum(['buy', 'sell']),
    quantity: wire.decimal(),
    price: wire.decimal(),
    venue: z.string(),
    executedAt: wire.timestamp(),
  }),
);

export const activityPageResponse = wire.page(
  z.object({
    id: wire.uuid(),
    type: z.enum(['fill', 'deposit', 'withdrawal']),
    /** Signed cash movement. */
    amount: wire.decimal(),
    /** Cash after this movement. */
    balanceAfter: wire.decimal(),
    symbol: z.string().nullable(),
    side: z.enum(['buy', 'sell']).nullable(),
    /** Signed share movement (fills). */
    quantity: wire.decimal().nullable(),
    price: wire.decimal().nullable(),
    /** Shares of the symbol held after this movement (fills). */
    positionAfter: wire.decimal().nullable(),
    orderId: wire.uuid().nullable(),
    executionId: z.string().nullable(),
    at: wire.timestamp(),
  }),
);

export const positionResponse = z.object({
  symbol: z.string(),
  quantity: wire.decimal(),
  /** Shares not committed to open sells. */
  availableQuantity: wire.decimal(),
  avgEntryPrice: wire.decimal(),
  /** The last price trading knows; null before the first one. */
  marketPrice: wire.decimal().nullable(),
  marketValue: wire.decimal(),
  costBasis: wire.decimal(),
  unrealizedPnl: wire.decimal(),
  unrealizedPnlPct: wire.decimal(),
  realizedPnl: wire.decimal(),
});

export const accountResponse = z.object({
  cash: wire.decimal(),
  /** Cash held by open buy orders. */
  reservedCash: wire.decimal(),
  buyingPower: wire.decimal(),
  longMarketValue: wire.decimal(),
  equity: wire.decimal(),
  /** risk's state of the account: halted places no order, reduce_only no buy. */
  status: z.enum(['active', 'reduce_only', 'halted']),
  haltReason: z.string().nullable(),
});

export const closeAllResponse = z.array(z.object({ symbol: z.string(), status: z.number().int(), order: orderResponse.optional(), code: z.string().optional() }));
