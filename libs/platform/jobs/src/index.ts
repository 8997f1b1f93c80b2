export * from './leased-worker';
export * from './job-wake';
export * from './logger';
export * from './periodic-task';
