import { createHash } from 'node:crypto';
import { canonicalJson, entryHash, GENESIS_HASH, verifyChain, type StoredEntry } from './hash-chain';

const chain = (n: number): StoredEntry[] => {
  const out: StoredEntry[] = [];
  let prev = GENESIS_HASH;
  for (let i = 1; i <= n; i++) {
    const e = { seq: String(i), at: new Date(Date.UTC(2025, 0, 1, 0, 0, i)), actor: 'risk-service', kind: 'k', subject: `s${i}`, payload: { n: i, b: [1, { z: 1, a: 2 }] } };
    const hash = entryHash(prev, e);
    out.push({ ...e, prevHash: prev, hash });
    prev = hash;
  }
  return out;
};

describe('compliance log hash chain', () => {
  it('canonical JSON sorts keys at every level', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { y: 1, x: null }], c: 'x' } })).toBe('{"a":{"c":"x","d":[2,{"x":null,"y":1}]},"b":1}');
  });

  it('hash = sha256(prev_hash || canonical JSON of seq, at, actor, kind, subject, payload)', () => {
    const e = { seq: '7', at: new Date('2025-01-01T00:00:00.123Z'), actor: 'a', kind: 'k', subject: 's', payload: { y: 1, x: '2' } };
    const expected = createHash('sha256')
      .update(GENESIS_HASH + '{"actor":"a","at":"2025-01-01T00:00:00.123Z","kind":"k","payload":{"x":"2","y":1},"seq":"7","subject":"s"}')
      .digest('hex');
    expect(entryHash(GENESIS_HASH, e)).toBe(expected);
    expect(entryHash(GENESIS_HASH, { ...e, payload: { x: '2', y: 1 } })).toBe(expected);
  });

  it('verifies an intact chain and an empty one', async () => {
    expect(await verifyChain(chain(5))).toEqual({ valid: true, entries: 5, firstInvalidSeq: null });
    expect(await verifyChain([])).toEqual({ valid: true, entries: 0, firstInvalidSeq: null });
  });

  it('names the first entry whose content, hash or link was changed', async () => {
    const edited = chain(5);
    edited[2] = { ...edited[2]!, payload: { n: 99 } };
    expect(await verifyChain(edited)).toEqual({ valid: false, entries: 5, firstInvalidSeq: '3' });

    const relinked = chain(5);
    relinked.splice(1, 1); // a deleted row breaks the link of its successor
    expect(await verifyChain(relinked)).toEqual({ valid: false, entries: 4, firstInvalidSeq: '3' });

    const rehashed = chain(5);
    rehashed[3] = { ...rehashed[3]!, subject: 'x', hash: entryHash(rehashed[3]!.prevHash, { ...rehashed[3]!, subject: 'x' }) };
    expect(await verifyChain(rehashed)).toEqual({ valid: false, entries: 5, firstInvalidSeq: '5' });
  });
});
