import type { EntityManager } from '@mikro-orm/postgresql';
import type { RoutedOrder, VenueOrderRow } from '../execution/execution-book';

export interface ConnectionTestResult {
  ok: boolean;
  detail: string;
}

export interface SubmitContext {
  connectionId: string | null;
  slippageBps: number;
}

/** Where orders go: the built-in paper venue, or a live broker's adapter. One interface for both. */
export interface Venue {
  /** Written on venue orders and execution reports. */
  readonly name: string;
  readonly live: boolean;
  test(): Promise<ConnectionTestResult>;
  /** Accepts a routed order inside the consumer's transaction. */
  submit(em: EntityManager, order: RoutedOrder, ctx: SubmitContext): Promise<void>;
  /** Cancels what is left of one of this venue's orders (locked by the caller). */
  cancel(em: EntityManager, order: VenueOrderRow): Promise<void>;
}
