export * from './infra';
export * from './service';
export * from './token-issuer';
export * from './service-fixture';
export * from './test-results';
export * from './pg';
export * from './fake-strategy';
