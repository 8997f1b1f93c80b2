import { Inject, Injectable } from '@nestjs/common';
import { PLATFORM } from '@alphintra/platform-http';
import { kekRingOf, openCredentials, type KekRing, type SealedCredentials } from '../credentials/envelope';
import type { BrokerEnv } from '../env';
import { ExecutionBook } from '../execution/execution-book';
import { LIVE_BROKERS, LiveVenueRegistry, UnconfiguredLiveVenue } from './live-venue.registry';
import { PaperVenue } from './paper.venue';
import type { Venue } from './venue';

/** A connection row as stored (see connection.repository). */
export interface ConnectionRow {
  id: string;
  userId: string;
  broker: string;
  mode: 'paper' | 'live';
  label: string;
  apiKeyLast4: string | null;
  credentialsCiphertext: string | null;
  wrappedDataKey: string | null;
  kekId: string | null;
  createdAt: Date | string;
}

/** A paper connection carries no credentials and nothing that names a live broker. */
export interface PaperConnection {
  readonly mode: 'paper';
  readonly id: string;
  readonly userId: string;
}
export interface LiveConnection {
  readonly mode: 'live';
  readonly id: string;
  readonly userId: string;
  readonly broker: string;
  readonly sealed: SealedCredentials;
}

/**
 * The only way from a row to a routable connection. Only `mode` (set once, at creation, from
 * whether the connection is paper) decides; the `broker` column of a paper row is never read.
 */
export function classify(row: ConnectionRow): PaperConnection | LiveConnection {
  if (row.mode === 'paper') return { mode: 'paper', id: row.id, userId: row.userId };
  if (row.mode === 'live' && row.credentialsCiphertext && row.wrappedDataKey && row.kekId) {
    return { mode: 'live', id: row.id, userId: row.userId, broker: row.broker, sealed: { ciphertext: row.credentialsCiphertext, wrappedKey: row.wrappedDataKey, kekId: row.kekId } };
  }
  throw new Error(`connection ${row.id} is neither a paper connection nor a live one with credentials`);
}

/** Paper: no registry, no credentials in reach — the paper venue or nothing. */
export function paperVenueFor(_connection: PaperConnection | null, paper: PaperVenue): PaperVenue {
  return paper;
}

/** Live: the broker's adapter with the opened credentials, or a venue that says no adapter is configured. Never paper. */
export function liveVenueFor(connection: LiveConnection, registry: LiveVenueRegistry, ring: KekRing, book: ExecutionBook): Venue {
  const adapter = registry.adapterFor(connection.broker);
  if (adapter) return adapter.venue(openCredentials(ring, connection.id, connection.userId, connection.sealed));
  const name = (LIVE_BROKERS as readonly string[]).includes(connection.broker) ? connection.broker : 'unknown-live-broker';
  return new UnconfiguredLiveVenue(name, book);
}

@Injectable()
export class VenueRouter {
  private readonly ring: KekRing;

  constructor(
    private readonly paper: PaperVenue,
    private readonly registry: LiveVenueRegistry,
    private readonly book: ExecutionBook,
    @Inject(PLATFORM) platform: { env: BrokerEnv },
  ) {
    this.ring = kekRingOf(platform.env);
  }

  /** A user without a (default) connection trades on paper. */
  resolve(row: ConnectionRow | null): Venue {
    if (!row) return paperVenueFor(null, this.paper);
    const c = classify(row);
    return c.mode === 'paper' ? paperVenueFor(c, this.paper) : liveVenueFor(c, this.registry, this.ring, this.book);
  }

  /** The venue that holds an accepted order, by the name it was accepted under. */
  holding(venueName: string): Venue {
    return venueName === this.paper.name ? this.paper : new UnconfiguredLiveVenue(venueName, this.book);
  }
}
