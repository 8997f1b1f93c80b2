export * from './paths';
export * from './process';
export * from './postgres';
export * from './kafka';
export * from './infra';
