export * from './event-contract';
export * from './topics';
export * from './events/platform.events';
