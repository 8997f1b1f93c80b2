import { hashRefreshToken, newRefreshToken, REFRESH_TOKEN_FORMAT } from './refresh-token';

describe('refresh tokens', () => {
  it('are 32 random bytes, base64url', () => {
    const token = newRefreshToken();
    expect(token).toMatch(REFRESH_TOKEN_FORMAT);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(new Set(Array.from({ length: 1000 }, newRefreshToken)).size).toBe(1000);
  });

  it('are stored as their SHA-256, hex', () => {
    const token = newRefreshToken();
    const hash = hashRefreshToken(token);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hashRefreshToken(token)).toBe(hash);
    expect(hashRefreshToken(newRefreshToken())).not.toBe(hash);
    expect(hashRefreshToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
