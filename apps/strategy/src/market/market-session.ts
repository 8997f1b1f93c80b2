/**
 * The sessions the simulated feed paces itself by: the exchange calendar's (XNYS regular hours,
 * holidays and early closes from @alphintra/market-calendar), or always open for demos at night.
 */
export { ALWAYS_OPEN, XNYS_HOURS as US_REGULAR_HOURS, type SessionRule, type SessionSpan as Session } from '@alphintra/market-calendar';
