export * from './exchange-calendar';
export * from './trading-hours';
export { XNYS } from './xnys.data';
