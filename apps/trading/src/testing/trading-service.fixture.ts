import { InstrumentListed, PriceUpdated, TOPICS, type EventData, type ExecutionReported } from '@alphintra/contracts';
import { randomBytes, randomUUID } from 'node:crypto';
import type { CloudEvent } from '@alphintra/platform-messaging';
import { registerSecret, startServiceFixture, until, type ServiceFixture } from '@alphintra/testing';
import { AppModule, spec } from '../app.module';
import { loadEnv, type TradingEnv } from '../env';

export { until, type Answer, type Json } from '@alphintra/testing';

export interface TradingServiceFixture extends ServiceFixture<TradingEnv> {
  /** Lists a symbol (and its last price) and waits until the replica has both. */
  list(symbol: string, price?: string): Promise<void>;
  /** trading.* events seen on the service's (prefixed) topics so far. */
  events: CloudEvent[];
  eventsOf(type: string, subject: string, n?: number): Promise<CloudEvent[]>;
}

const TABLES = ['instrument_ref', 'account', 'activity', 'order', 'order_transition', 'order_record', 'execution', 'position', 'inbox'];

/** An order record signing key (an Ed25519 seed), recorded for the log scan. */
export const testOrderRecordKey = () => {
  const key = randomBytes(32).toString('base64');
  registerSecret(key);
  return key;
};

export async function startTradingService(extraEnv: Record<string, string> = {}): Promise<TradingServiceFixture> {
  const f = await startServiceFixture({ spec, module: AppModule, loadEnv, tables: TABLES, extraEnv: { TRADING_ORDER_RECORD_SIGNING_KEY: testOrderRecordKey(), ...extraEnv } });
  const events = await f.watch(TOPICS.tradingOrder, TOPICS.tradingPosition);
  const of = (type: string, subject: string) => events.filter((e) => e.type === type && e.subject === subject);
  return {
    ...f,
    events,
    list: async (symbol, price) => {
      await f.consumed(await f.publish(InstrumentListed, symbol, { symbol, name: `${symbol} Inc.`, exchange: 'NASDAQ', sector: null, industry: null, country: 'US', currency: 'USD' }));
      if (price) await f.consumed(await f.publish(PriceUpdated, symbol, { symbol, price, at: new Date().toISOString() }));
    },
    eventsOf: async (type, subject, n = 1) => {
      await until(`${n} ${type} event(s) of ${subject}`, () => of(type, subject).length >= n);
      return of(type, subject);
    },
  };
}

/** broker's execution report on an order, as the venue sends it: a fill unless `r` says otherwise. */
export const executionReport = (
  o: { orderId: string; userId: string; symbol?: string; side?: 'buy' | 'sell' },
  r: Partial<EventData<typeof ExecutionReported>> = {},
): EventData<typeof ExecutionReported> => ({
  executionId: randomUUID(),
  orderId: o.orderId,
  userId: o.userId,
  symbol: o.symbol ?? 'AAPL',
  side: o.side ?? 'buy',
  kind: 'fill',
  quantity: null,
  price: null,
  cumulativeQuantity: '0',
  leavesQuantity: '0',
  reason: null,
  venue: 'paper',
  reportedAt: new Date().toISOString(),
  ...r,
});
