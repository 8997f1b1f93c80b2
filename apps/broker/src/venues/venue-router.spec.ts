import { randomBytes, randomUUID } from 'node:crypto';
import type { ExecutionBook } from '../execution/execution-book';
import { LiveVenueRegistry, UnconfiguredLiveVenue, type LiveVenueAdapter } from './live-venue.registry';
import { PaperVenue } from './paper.venue';
import { classify, VenueRouter, type ConnectionRow } from './venue-router';

const env = { BROKER_KEK: randomBytes(32), BROKER_KEK_ID: 'kek-1', BROKER_PAPER_MAX_FILL_QUANTITY: '1000', BROKER_PAPER_MAX_FILLS_PER_EVENT: 10, BROKER_DEFAULT_SLIPPAGE_BPS: 5, BROKER_MAX_SLIPPAGE_BPS: 500 };
const book = {} as ExecutionBook;
const paper = new PaperVenue(book, { env } as never);

const row = (o: Partial<ConnectionRow>): ConnectionRow => ({
  id: randomUUID(),
  userId: randomUUID(),
  broker: 'paper',
  mode: 'paper',
  label: 'x',
  apiKeyLast4: null,
  credentialsCiphertext: null,
  wrappedDataKey: null,
  kekId: null,
  createdAt: new Date(),
  ...o,
});

describe('venue routing: paper and live are apart', () => {
  const registry = new LiveVenueRegistry();
  // An adapter for every live broker: if any path led from a paper connection to a live venue, it would show.
  const liveVenue = new UnconfiguredLiveVenue('alpaca', book);
  for (const broker of ['alpaca', 'ibkr', 'tradier'] as const) registry.register({ broker, venue: () => liveVenue } satisfies LiveVenueAdapter);
  const router = new VenueRouter(paper, registry, book, { env } as never);

  it.each(['paper', 'alpaca', 'ibkr', 'tradier', 'anything'])('a paper connection whose broker column says %s still routes to the paper venue', (broker) => {
    const venue = router.resolve(row({ broker }));
    expect(venue).toBe(paper);
    expect(venue.live).toBe(false);
  });

  it('a user without a connection trades on paper', () => {
    expect(router.resolve(null)).toBe(paper);
  });

  it('a paper row carrying forged credentials is still paper, and its credentials are never read', () => {
    const c = classify(row({ broker: 'alpaca', credentialsCiphertext: 'v1.x.y.z', wrappedDataKey: 'v1.x.y.z', kekId: 'kek-1' }));
    expect(c).toEqual({ mode: 'paper', id: expect.any(String), userId: expect.any(String) });
    expect(router.resolve(row({ broker: 'alpaca', credentialsCiphertext: 'v1.x.y.z', wrappedDataKey: 'v1.x.y.z', kekId: 'kek-1' }))).toBe(paper);
  });

  it('a live row naming "paper" never reaches the paper venue', () => {
    const venue = new VenueRouter(paper, new LiveVenueRegistry(), book, { env } as never).resolve(
      row({ mode: 'live', broker: 'paper', credentialsCiphertext: 'v1.a.b.c', wrappedDataKey: 'v1.a.b.c', kekId: 'kek-1' }),
    );
    expect(venue).not.toBe(paper);
    expect(venue.live).toBe(true);
  });

  it('the registry refuses to register the paper venue as a live adapter', () => {
    expect(() => new LiveVenueRegistry().register({ broker: 'paper', venue: () => paper } as unknown as LiveVenueAdapter)).toThrow();
  });

  it('a live connection without an adapter tests false with no network', async () => {
    const venue = new VenueRouter(paper, new LiveVenueRegistry(), book, { env } as never).resolve(
      row({ mode: 'live', broker: 'alpaca', credentialsCiphertext: 'v1.a.b.c', wrappedDataKey: 'v1.a.b.c', kekId: 'kek-1' }),
    );
    expect(await venue.test()).toEqual({ ok: false, detail: 'no live adapter configured for broker "alpaca"' });
  });
});
