import { randomBytes } from 'node:crypto';
import { openAlpacaKey, sealAlpacaKey, SealedKeyError } from './sealed-key';

describe('alpaca key sealed at rest (AES-256-GCM under MARKET_CREDENTIALS_KEY)', () => {
  const sealing = randomBytes(32);
  const k = { key: 'PKABCDEF1234', secret: 'sEcReT/with+chars' };

  it('round-trips with a fresh IV each time, and the sealed form shows neither part', () => {
    const a = sealAlpacaKey(sealing, 'market-1', k);
    expect(openAlpacaKey(sealing, 'market-1', a)).toEqual(k);
    expect(sealAlpacaKey(sealing, 'market-1', k)).not.toBe(a);
    expect(a).not.toContain('PKABCDEF');
    expect(a).not.toContain('sEcReT');
  });

  it.each([
    ['another sealing key', (s: string) => openAlpacaKey(randomBytes(32), 'market-1', s)],
    ['another key id (AAD)', (s: string) => openAlpacaKey(sealing, 'market-2', s)],
    ['a tampered ciphertext', (s: string) => openAlpacaKey(sealing, 'market-1', s.slice(0, -2) + (s.endsWith('AA') ? 'BB' : 'AA'))],
    ['an unknown format', (s: string) => openAlpacaKey(sealing, 'market-1', s.replace(/^v1/, 'v9'))],
  ])('refuses %s', (_, attempt) => {
    expect(() => attempt(sealAlpacaKey(sealing, 'market-1', k))).toThrow(SealedKeyError);
  });
});
