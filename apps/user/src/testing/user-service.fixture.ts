import { startServiceFixture, type ServiceFixture } from '@alphintra/testing';
import { AppModule, spec } from '../app.module';
import { loadEnv, type UserEnv } from '../env';

export { until, type Answer, type Json } from '@alphintra/testing';
export type UserServiceFixture = ServiceFixture<UserEnv>;

const TABLES = ['profile', 'preferences', 'instrument_ref', 'filter_ref', 'custom_collection', 'custom_collection_stock', 'custom_screener', 'custom_screener_numeric', 'custom_screener_categorical', 'inbox'];

export const startUserService = (extraEnv: Record<string, string> = {}): Promise<UserServiceFixture> =>
  startServiceFixture({ spec, module: AppModule, loadEnv, tables: TABLES, extraEnv });
