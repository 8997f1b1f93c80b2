import { topicName } from './event-contract';

/** Every topic of the platform; provisioning creates each (and its `.dlq`), never auto-create. */
export const TOPICS = {
  authUser: topicName('auth', 'user'),
  userPreferences: topicName('user', 'preferences'),
  marketdataInstrument: topicName('marketdata', 'instrument'),
  marketdataFilter: topicName('marketdata', 'filter'),
  marketdataBlacklist: topicName('marketdata', 'blacklist'),
  marketdataPrice: topicName('marketdata', 'price'),
  strategyBacktest: topicName('strategy', 'backtest'),
  nocodeWorkflow: topicName('nocode', 'workflow'),
  tradingOrder: topicName('trading', 'order'),
  tradingPosition: topicName('trading', 'position'),
  tradingReconciliation: topicName('trading', 'reconciliation'),
  riskAssessment: topicName('risk', 'assessment'),
  brokerExecution: topicName('broker', 'execution'),
  brokerReconciliation: topicName('broker', 'reconciliation'),
  platformProbe: topicName('platform', 'probe'),
} as const;

export const ALL_TOPICS: readonly string[] = Object.values(TOPICS);
export const dlqOf = (topic: string): string => `${topic}.dlq`;
