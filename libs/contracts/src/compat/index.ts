export * from './event-catalog';
export * from './schema-compatibility';
export * from './released-events';
export * from './released-store';
