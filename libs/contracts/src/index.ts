export * from './event-contract';
export * from './topics';
export * from './schemas';
export * from './events/platform.events';
export * from './events/auth.events';
export * from './events/user.events';
export * from './events/marketdata.events';
