import { Dec } from '@alphintra/money';

/** An order as trading lists it in its view. */
export interface ListedOrder {
  orderId: string;
  userId: string;
  filledQuantity: string;
  executionIds: string[];
}

export interface VenueExecution {
  id: string;
  kind: 'fill' | 'rejected' | 'cancelled';
  quantity: string | null;
}

export interface Comparison<X extends VenueExecution = VenueExecution> {
  /** Broker holds no venue order of this order for this user. */
  unknown: boolean;
  /** Broker's executions trading has not applied, in the order they were reported. */
  missing: X[];
  /** Why the books disagree even after the replays; null when they will agree. */
  diverged: string | null;
}

/**
 * One order of trading's view against broker's venue order and executions. trading lists only
 * orders it holds open, so a final report (rejected, cancelled) of a listed order is one it
 * missed; a fill is missed when its id is not among the ones trading booked.
 */
export function compareOrder<X extends VenueExecution>(
  listed: ListedOrder,
  venue: { userId: string; cumulativeQuantity: string } | undefined,
  executions: readonly X[],
): Comparison<X> {
  if (!venue || venue.userId !== listed.userId) return { unknown: true, missing: [], diverged: null };
  const booked = new Set(listed.executionIds.map((id) => id.toLowerCase()));
  const missing = executions.filter((x) => x.kind !== 'fill' || !booked.has(x.id.toLowerCase()));
  const fills = new Set(executions.filter((x) => x.kind === 'fill').map((x) => x.id.toLowerCase()));
  const foreign = [...booked].filter((id) => !fills.has(id));
  const after = missing.reduce((q, x) => (x.kind === 'fill' && x.quantity ? q.plus(x.quantity) : q), new Dec(listed.filledQuantity));
  let diverged: string | null = null;
  if (foreign.length) diverged = `trading booked executions broker never reported: ${foreign.join(', ')}`;
  else if (!after.eq(venue.cumulativeQuantity)) diverged = `trading's filled quantity ${listed.filledQuantity} plus the replays is ${after.toFixed()}, broker's is ${new Dec(venue.cumulativeQuantity).toFixed()}`;
  return { unknown: false, missing, diverged };
}
