import { topicName } from './event-contract';

/** Every topic of the platform; provisioning creates each (and its `.dlq`), never auto-create. */
export const TOPICS = {
  authUser: topicName('auth', 'user'),
  userPreferences: topicName('user', 'preferences'),
  marketdataInstrument: topicName('marketdata', 'instrument'),
  marketdataFilter: topicName('marketdata', 'filter'),
  marketdataBlacklist: topicName('marketdata', 'blacklist'),
  marketdataPrice: topicName('marketdata', 'price'),
  marketdataQuote: topicName('marketdata', 'quote'),
  marketdataBar: topicName('marketdata', 'bar'),
  strategyBacktest: topicName('strategy', 'backtest'),
  nocodeWorkflow: topicName('nocode', 'workflow'),
  tradingOrder: topicName('trading', 'order'),
  tradingPosition: topicName('trading', 'position'),
  tradingReconciliation: topicName('trading', 'reconciliation'),
  riskAssessment: topicName('risk', 'assessment'),
  riskAccount: topicName('risk', 'account'),
  brokerExecution: topicName('broker', 'execution'),
  brokerReconciliation: topicName('broker', 'reconciliation'),
  platformProbe: topicName('platform', 'probe'),
} as const;

export const ALL_TOPICS: readonly string[] = Object.values(TOPICS);

/** What a topic needs beyond the installation's defaults (partitions, retention); provisioning applies it when it creates the topic. */
export interface TopicSettings {
  /** `compact`: Kafka keeps the latest message per key (and deletes older ones some time after). */
  cleanupPolicy?: 'delete' | 'compact';
  /** At least this many partitions, whatever the installation's default. */
  minPartitions?: number;
  /** Overrides the installation's retention (delete policy only). */
  retentionMs?: number;
  /** How long a compacted topic keeps superseded messages readable before the cleaner may remove them. */
  minCompactionLagMs?: number;
}

/** The high-volume market data topics (ADR 0024); every other topic takes the defaults. */
export const TOPIC_SETTINGS: Readonly<Record<string, TopicSettings>> = {
  [TOPICS.marketdataQuote]: { cleanupPolicy: 'compact', minPartitions: 6, minCompactionLagMs: 60_000 },
  [TOPICS.marketdataBar]: { cleanupPolicy: 'delete', minPartitions: 6, retentionMs: 3 * 86_400_000 },
};

/** The settings of a topic named with or without an installation's prefix. */
export const topicSettingsOf = (name: string): TopicSettings =>
  Object.entries(TOPIC_SETTINGS).find(([t]) => name === t || name.endsWith(`.${t}`))?.[1] ?? {};
export const dlqOf = (topic: string): string => `${topic}.dlq`;
