export * from './local-platform';
