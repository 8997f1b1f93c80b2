import { InvalidTokenError, type Principal } from '@alphintra/platform-auth';
import { VerifiedTokens } from './verified-tokens';

const tokenExpiringAt = (expSeconds: number, id = 'a') => `h.${Buffer.from(JSON.stringify({ exp: expSeconds, id })).toString('base64url')}.s`;

describe('VerifiedTokens', () => {
  let now = 1_000_000;
  const principal: Principal = { userId: 'u1', roles: ['trader'] };
  const verifier = { verify: jest.fn(async (token: string): Promise<Principal> => (token.startsWith('bad') ? Promise.reject(new InvalidTokenError('token signature is invalid')) : principal)) };
  const tokens = () => new VerifiedTokens(verifier, { ttlMs: 30_000, maxEntries: 2, now: () => now });

  beforeEach(() => {
    now = 1_000_000;
    verifier.verify.mockClear();
  });

  it('verifies a token once and takes it on trust for a while', async () => {
    const t = tokens();
    const token = tokenExpiringAt(now / 1000 + 300);
    expect(await t.verify(token)).toBe(principal);
    now += 29_000;
    expect(await t.verify(token)).toBe(principal);
    expect(verifier.verify).toHaveBeenCalledTimes(1);
    now += 1_000;
    await t.verify(token);
    expect(verifier.verify).toHaveBeenCalledTimes(2);
  });

  it('never trusts a token past its expiry', async () => {
    const t = tokens();
    const token = tokenExpiringAt(now / 1000 + 5);
    await t.verify(token);
    now += 5_000;
    await t.verify(token);
    expect(verifier.verify).toHaveBeenCalledTimes(2);
  });

  it('does not remember failures', async () => {
    const t = tokens();
    await expect(t.verify('bad.token.x')).rejects.toThrow(InvalidTokenError);
    await expect(t.verify('bad.token.x')).rejects.toThrow(InvalidTokenError);
    expect(verifier.verify).toHaveBeenCalledTimes(2);
  });

  it('keeps at most maxEntries, dropping the oldest', async () => {
    const t = tokens();
    const [a, b, c] = ['a', 'b', 'c'].map((id) => tokenExpiringAt(now / 1000 + 300, id));
    for (const token of [a!, b!, c!]) await t.verify(token);
    await t.verify(c!);
    await t.verify(b!);
    expect(verifier.verify).toHaveBeenCalledTimes(3);
    await t.verify(a!);
    expect(verifier.verify).toHaveBeenCalledTimes(4);
  });
});
