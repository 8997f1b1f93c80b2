export * from './indicators';
export * from './spec';
export * from './engine';
export * from './metrics';
export * from './backtest-thread';
