import { startServiceFixture, type ServiceFixture } from '@alphintra/testing';
import { AppModule, spec } from '../app.module';
import { loadEnv, type NocodeEnv } from '../env';

export { until, type Answer, type Json } from '@alphintra/testing';
export type NocodeServiceFixture = ServiceFixture<NocodeEnv>;

const TABLES = ['template', 'workflow', 'workflow_version', 'execution', 'inbox'];

export const startNocodeService = (extraEnv: Record<string, string> = {}): Promise<NocodeServiceFixture> =>
  startServiceFixture({ spec, module: AppModule, loadEnv, tables: TABLES, extraEnv });
