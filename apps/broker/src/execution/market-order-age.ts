import type { RoutedOrder } from './execution-book';

/**
 * Why a routed market order is too old to execute, or null. A market order says "at today's price
 * as I place it"; one that reaches the venue long after trading routed it (Kafka was away, say)
 * would fill at a price the user never saw, so it is cancelled instead. Limit orders carry their price.
 */
export function staleMarketOrder(o: Pick<RoutedOrder, 'type' | 'routedAt'>, now: Date, maxAgeSeconds: number): string | null {
  if (o.type !== 'market') return null;
  const ageSeconds = (now.getTime() - new Date(o.routedAt).getTime()) / 1000;
  if (ageSeconds <= maxAgeSeconds) return null;
  return `market order arrived ${Math.round(ageSeconds)} s after it was routed (at most ${maxAgeSeconds} s): not filled at a later price`;
}
