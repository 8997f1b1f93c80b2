export * from './strategy.client';
