export * from './hash-chain';
export * from './hash-chain-log';
