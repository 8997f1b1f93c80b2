import * as contracts from '@alphintra/contracts';
import { dlqOf, type EventContract } from '@alphintra/contracts';
import { consumerGroupOf } from './consumer-group';

/**
 * Who may do what on Kafka (ADR 0028): one principal per service and one for the gateway's stream,
 * the messaging side of the 8×8 database matrix.
 *
 * - **Produce**: a topic is written by the service that owns its domain (`alphintra.<domain>.…`),
 *   and a contract's type must name that domain: derived from the contracts, not listed here.
 * - **Consume**: what each client subscribes to, by contract. It mirrors the apps' consumers
 *   (`onEvent(...)`, the gateway's `STREAM_CONTRACTS`); the ACL matrix test derives the same from
 *   the apps' source and fails when the two differ.
 * - **Dead letters**: a service consuming T in its consumer group dead-letters to `T.dlq` and lists
 *   them from there, so it writes and reads `T.dlq` of what it consumes. A fan-out subscriber (the
 *   gateway) skips bad messages and owns no dead letters.
 */

export const KAFKA_SERVICES = ['auth', 'user', 'strategy', 'trading', 'risk', 'broker', 'nocode', 'notification'] as const;
/** Every Kafka client with an identity of its own: the eight services and the gateway. */
export const KAFKA_CLIENTS = [...KAFKA_SERVICES, 'gateway'] as const;
export type KafkaClientName = (typeof KAFKA_CLIENTS)[number];

/** The service that owns (and alone produces) each event domain; `platform` (the test probe) has none. */
export const DOMAIN_PRODUCERS: Readonly<Record<string, KafkaClientName | null>> = {
  auth: 'auth',
  user: 'user',
  marketdata: 'strategy',
  strategy: 'strategy',
  nocode: 'nocode',
  trading: 'trading',
  risk: 'risk',
  broker: 'broker',
  platform: null,
};

const isContract = (v: unknown): v is EventContract =>
  typeof v === 'object' && v !== null && typeof (v as EventContract).type === 'string' && typeof (v as EventContract).topic === 'string' && 'schema' in v && typeof (v as EventContract).version === 'number';

/** Every event contract the contracts library exports. */
export const ALL_CONTRACTS: readonly EventContract[] = (Object.values(contracts) as unknown[]).filter(isContract);

const c = contracts;

/**
 * What each client consumes, as contracts. `group`: one consumer group per service
 * (`<prefix><service>-service`, the EventConsumer, with dead letters); `fanout`: a group per
 * instance named `<prefix><name>-<uuid>` (the TopicSubscriber), no dead letters.
 */
export const KAFKA_SUBSCRIPTIONS: Readonly<Record<KafkaClientName, { kind: 'group' | 'fanout'; group?: string; contracts: readonly EventContract[] }>> = {
  auth: { kind: 'group', contracts: [] },
  user: { kind: 'group', contracts: [c.UserRegistered, c.InstrumentListed, c.InstrumentUpdated, c.InstrumentDelisted, c.FilterDefined, c.FilterRetired] },
  strategy: { kind: 'group', contracts: [c.WorkflowPublished] },
  trading: {
    kind: 'group',
    contracts: [
      c.AssessmentApproved,
      c.AssessmentRejected,
      c.ExecutionReported,
      c.AccountStateChanged,
      c.BrokerReconciliationRequested,
      c.InstrumentListed,
      c.InstrumentUpdated,
      c.InstrumentDelisted,
      c.BlacklistAdded,
      c.PriceUpdated,
    ],
  },
  risk: {
    kind: 'group',
    contracts: [c.OrderSubmitted, c.OrderSubmittedV2, c.OrderFilled, c.OrderRejected, c.OrderCancelled, c.OrderExpired, c.PositionChanged, c.PriceUpdated, c.BlacklistAdded, c.BlacklistRemoved],
  },
  broker: { kind: 'group', contracts: [c.TradingReconciliationRequested, c.OrderRouted, c.OrderRoutedV2, c.OrderCancelRequested, c.PriceUpdated] },
  nocode: { kind: 'group', contracts: [c.BacktestCompleted, c.BacktestFailed] },
  notification: { kind: 'group', contracts: [c.UserRegistered, c.PreferencesUpdated, c.OrderFilled, c.OrderRejected, c.OrderExpired, c.AccountStateChanged, c.BacktestCompleted, c.BacktestFailed] },
  // apps/gateway/src/stream/stream-feed.ts STREAM_CONTRACTS, read by a TopicSubscriber named `gateway-stream`
  gateway: {
    kind: 'fanout',
    group: 'gateway-stream-',
    contracts: [
      c.QuoteUpdated,
      c.BarClosed,
      c.OrderSubmitted,
      c.OrderSubmittedV2,
      c.OrderRouted,
      c.OrderRoutedV2,
      c.OrderRejected,
      c.OrderFilled,
      c.OrderCancelRequested,
      c.OrderCancelled,
      c.OrderExpired,
      c.PositionChanged,
      c.AccountStateChanged,
    ],
  },
};

export const domainOfTopic = (topic: string): string => /^alphintra\.([a-z]+)\./.exec(topic)?.[1] ?? '';

/** The client that produces a topic (unprefixed name), or null when only the admin does. */
export function producerOfTopic(topic: string): KafkaClientName | null {
  const base = topic.endsWith('.dlq') ? undefined : topic;
  if (!base) return null;
  return DOMAIN_PRODUCERS[domainOfTopic(base)] ?? null;
}

/** What one client may do, as unprefixed topic names and a consumer-group name prefix. */
export interface KafkaPermissions {
  client: KafkaClientName;
  produce: string[];
  consume: string[];
  /** Consumer groups it may use: every group whose name starts with this (after the installation's topic prefix). */
  groupPrefix: string | null;
}

/**
 * The permissions of every client over the given topics (default: every topic of the contracts).
 * Throws when a contract's type names a domain other than its topic's, or a domain has no entry
 * in DOMAIN_PRODUCERS: the map would be wrong, not merely incomplete.
 */
export function kafkaPermissions(topics: readonly string[] = contracts.ALL_TOPICS): KafkaPermissions[] {
  for (const k of ALL_CONTRACTS) {
    const domain = domainOfTopic(k.topic);
    if (!(domain in DOMAIN_PRODUCERS)) throw new Error(`topic ${k.topic} of ${k.type}: no producing service for domain "${domain}" in DOMAIN_PRODUCERS`);
    if (k.type.split('.')[0] !== domain) throw new Error(`${k.type} travels on ${k.topic}: a contract's type and its topic must name the same domain`);
  }
  return KAFKA_CLIENTS.map((client) => {
    const sub = KAFKA_SUBSCRIPTIONS[client];
    const consumed = [...new Set(sub.contracts.map((k) => k.topic))].filter((t) => topics.includes(t)).sort();
    const produce = topics.filter((t) => producerOfTopic(t) === client);
    if (sub.kind === 'group') produce.push(...consumed.map(dlqOf));
    const consume = sub.kind === 'group' ? [...consumed, ...consumed.map(dlqOf)] : consumed;
    const groupPrefix = consumed.length === 0 ? null : sub.kind === 'group' ? consumerGroupOf(client) : sub.group!;
    return { client, produce: [...new Set(produce)].sort(), consume: consume.sort(), groupPrefix };
  });
}
