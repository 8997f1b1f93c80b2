import { createHash, randomBytes } from 'node:crypto';
import {
  canonicalJson,
  chainHash,
  checkpointSigner,
  GENESIS_HASH,
  trustedKeys,
  verifyChain,
  type ChainEntry,
  type Checkpoint,
  type CheckpointSigner,
} from './hash-chain';

interface Entry extends ChainEntry {
  order: string;
  to: string;
}
const hashed = (e: Entry) => ({ seq: e.seq, order: e.order, to: e.to });

const chain = (n: number): Entry[] => {
  const out: Entry[] = [];
  let prev = GENESIS_HASH;
  for (let i = 1; i <= n; i++) {
    const body = { seq: String(i), order: `o${i}`, to: 'filled' };
    const hash = chainHash(prev, hashed({ ...body, prevHash: prev, hash: '' }));
    out.push({ ...body, prevHash: prev, hash });
    prev = hash;
  }
  return out;
};

/** A checkpoint after every `every` entries of `entries`. */
const checkpointsOf = (entries: Entry[], every: number, signer: CheckpointSigner, name = 'test.chain'): Checkpoint[] =>
  entries
    .map((e, i) => ({ e, n: i + 1 }))
    .filter(({ n }) => n % every === 0)
    .map(({ e, n }, i) => {
      const c = { chain: name, entries: n, headSeq: e.seq, headHash: e.hash, at: new Date(Date.UTC(2026, 0, 1, 0, i)) };
      return { id: String(i + 1), ...c, ...signer.sign(c) };
    });

async function* slowly<T>(items: T[]): AsyncGenerator<T> {
  for (const x of items) yield await Promise.resolve(x);
}

describe('hash chain', () => {
  const signer = checkpointSigner(randomBytes(32));
  const keys = trustedKeys([signer.publicKey]);
  const opts = (cps: Checkpoint[] = []) => ({ hashed, checkpoints: cps, keys, chain: 'test.chain' });

  it('canonical JSON sorts keys at every level and leaves undefined out', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { y: 1, x: null }], c: 'x', u: undefined } })).toBe('{"a":{"c":"x","d":[2,{"x":null,"y":1}]},"b":1}');
    expect(() => canonicalJson({ n: Number.NaN })).toThrow('non-finite');
  });

  it('hash = sha256(prev_hash || canonical JSON of the hashed fields)', () => {
    expect(chainHash(GENESIS_HASH, { b: '2', a: 1 })).toBe(createHash('sha256').update(`${GENESIS_HASH}{"a":1,"b":"2"}`).digest('hex'));
  });

  it('verifies an intact chain with its checkpoints, streamed, and an empty one', async () => {
    const c = chain(10);
    const cps = checkpointsOf(c, 3, signer);
    const v = await verifyChain(slowly(c), { ...opts(), checkpoints: slowly(cps) });
    expect(v).toMatchObject({ valid: true, entries: 10, firstInvalidSeq: null, problem: null, checkpoints: 3, lastCheckpoint: { entries: 9, headSeq: '9', keyId: signer.keyId } });
    expect(await verifyChain([], opts())).toMatchObject({ valid: true, entries: 0, checkpoints: 0, lastCheckpoint: null });
  });

  it('names an entry that was changed', async () => {
    const c = chain(10);
    const cps = checkpointsOf(c, 3, signer);
    c[4] = { ...c[4]!, to: 'cancelled' };
    expect(await verifyChain(c, opts(cps))).toMatchObject({ valid: false, firstInvalidSeq: '5', problem: expect.stringContaining('does not recompute') });
  });

  it('names the successor of an entry that was rehashed after a change', async () => {
    const c = chain(10);
    const changed = { ...c[4]!, to: 'cancelled' };
    c[4] = { ...changed, hash: chainHash(changed.prevHash, hashed(changed)) };
    expect(await verifyChain(c, opts())).toMatchObject({ valid: false, firstInvalidSeq: '6', problem: expect.stringContaining('does not link') });
  });

  it('names the entry after one removed from the middle', async () => {
    const c = chain(10);
    const cps = checkpointsOf(c, 3, signer);
    c.splice(4, 1);
    expect(await verifyChain(c, opts(cps))).toMatchObject({ valid: false, entries: 9, firstInvalidSeq: '6' });
  });

  it('detects the newest entries removed back beyond the last checkpoint, which the links alone cannot', async () => {
    const c = chain(10);
    const cps = checkpointsOf(c, 3, signer); // the last covers 9 entries
    const cut = c.slice(0, 7);
    expect(await verifyChain(cut, opts())).toMatchObject({ valid: true }); // without checkpoints a shorter chain looks whole
    expect(await verifyChain(cut, opts(cps))).toMatchObject({ valid: false, entries: 7, firstInvalidSeq: '9', problem: expect.stringContaining('covers 9 entries but only 7') });
    // Removing only what came after the last checkpoint goes unnoticed: that is what the checkpoint interval bounds.
    expect(await verifyChain(c.slice(0, 9), opts(cps))).toMatchObject({ valid: true, entries: 9 });
  });

  it('refuses a checkpoint with a bad signature, one by an unknown key, and one of another chain', async () => {
    const c = chain(6);
    const [first, second] = checkpointsOf(c, 3, signer);
    const forged = { ...second!, signature: Buffer.from(randomBytes(64)).toString('base64') };
    expect(await verifyChain(c, opts([first!, forged]))).toMatchObject({ valid: false, firstInvalidSeq: '6', problem: expect.stringContaining(`checkpoint ${second!.id} is not signed`) });
    const moved = { ...second!, entries: 5 }; // the count changed after signing
    expect(await verifyChain(c, opts([first!, moved]))).toMatchObject({ valid: false, problem: expect.stringContaining('not signed') });
    const stranger = checkpointsOf(c, 3, checkpointSigner(randomBytes(32)));
    expect(await verifyChain(c, opts(stranger))).toMatchObject({ valid: false, firstInvalidSeq: '3' });
    const other = checkpointsOf(c, 3, signer, 'other.chain');
    expect(await verifyChain(c, opts(other))).toMatchObject({ valid: false, problem: expect.stringContaining('another chain') });
  });

  it('refuses a checkpoint that names another entry at its count', async () => {
    const c = chain(6);
    const s = { chain: 'test.chain', entries: 4, headSeq: '3', headHash: c[2]!.hash, at: new Date() };
    expect(await verifyChain(c, opts([{ id: '1', ...s, ...signer.sign(s) }]))).toMatchObject({ valid: false, firstInvalidSeq: '4', problem: expect.stringContaining('not what the chain has') });
  });

  it('makes the same key from the same seed, and a trusted key only of 32 bytes', () => {
    const seed = randomBytes(32);
    expect(checkpointSigner(seed).publicKey).toBe(checkpointSigner(Buffer.from(seed)).publicKey);
    expect(Buffer.from(checkpointSigner(seed).publicKey, 'base64')).toHaveLength(32);
    expect(() => checkpointSigner(randomBytes(31))).toThrow('32 bytes');
    expect(() => trustedKeys(['AAAA'])).toThrow('32 bytes');
  });
});
