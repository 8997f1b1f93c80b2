import { TOPICS } from '@alphintra/contracts';
import type { CloudEvent } from '@alphintra/platform-messaging';
import { startServiceFixture, until, type ServiceFixture } from '@alphintra/testing';
import { AppModule, spec } from '../app.module';
import { loadEnv, type RiskEnv } from '../env';

export { until, type Answer, type Json } from '@alphintra/testing';

export interface RiskServiceFixture extends ServiceFixture<RiskEnv> {
  /** risk.assessment.* events seen on the service's (prefixed) topic so far. */
  assessmentEvents: CloudEvent[];
  eventsFor(orderId: string, n?: number): Promise<CloudEvent[]>;
  /** risk.account.* events seen so far. */
  accountEvents: CloudEvent[];
  accountEventsFor(userId: string, n?: number): Promise<CloudEvent[]>;
}

const TABLES = ['risk_limit', 'exposure', 'order_track', 'blacklist_ref', 'risk_assessment', 'compliance_log', 'account_state', 'account_pnl', 'market_price', 'inbox'];

export async function startRiskService(extraEnv: Record<string, string> = {}): Promise<RiskServiceFixture> {
  const f = await startServiceFixture({ spec, module: AppModule, loadEnv, tables: TABLES, extraEnv });
  const assessmentEvents = await f.watch(TOPICS.riskAssessment);
  const accountEvents = await f.watch(TOPICS.riskAccount);
  const ofAccount = (userId: string) => accountEvents.filter((e) => e.subject === userId);
  const of = (orderId: string) => assessmentEvents.filter((e) => (e.data as { orderId: string }).orderId === orderId);
  return {
    ...f,
    assessmentEvents,
    accountEvents,
    accountEventsFor: async (userId, n = 1) => {
      await until(`${n} account event(s) of ${userId}`, () => ofAccount(userId).length >= n);
      return ofAccount(userId);
    },
    eventsFor: async (orderId, n = 1) => {
      await until(`${n} assessment event(s) of order ${orderId}`, () => of(orderId).length >= n);
      return of(orderId);
    },
  };
}
