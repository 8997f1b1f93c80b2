import { ConfigError, loadEnv } from '@alphintra/platform-config';
import { authEnv, authOptionsFrom } from './auth.env';

describe('authEnv', () => {
  it('needs only the JWKS URL', () => {
    const env = loadEnv(authEnv, { AUTH_JWKS_URL: 'http://auth:3001/.well-known/jwks.json' });
    expect(authOptionsFrom(env)).toEqual({
      jwksUrl: 'http://auth:3001/.well-known/jwks.json',
      issuer: 'alphintra-auth',
      audience: 'alphintra',
      algorithm: 'RS256',
      clockSkewSeconds: 30,
      revocationsUrl: 'http://auth:3001/internal/v1/revoked-sessions',
      revocationPollMs: 2000,
    });
  });

  it('names a missing URL and an algorithm that is not RS256', () => {
    try {
      loadEnv(authEnv, { AUTH_TOKEN_ALGORITHM: 'HS256' });
      throw new Error('expected ConfigError');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).issues.map((i) => i.variable).sort()).toEqual(['AUTH_JWKS_URL', 'AUTH_TOKEN_ALGORITHM']);
    }
  });

  it('refuses a JWKS URL that is not http(s)', () => {
    expect(() => loadEnv(authEnv, { AUTH_JWKS_URL: 'file:///etc/jwks.json' })).toThrow(/AUTH_JWKS_URL/);
  });
});
