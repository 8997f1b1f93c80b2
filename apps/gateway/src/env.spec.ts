import { ConfigError } from '@alphintra/platform-config';
import { loadEnv } from './env';

describe('gateway env', () => {
  it('has working defaults', () => {
    const env = loadEnv({});
    expect(env).toMatchObject({
      PORT: 8080,
      upstreams: { auth: 'http://127.0.0.1:3001', notification: 'http://127.0.0.1:3008' },
      auth: { AUTH_JWKS_URL: 'http://127.0.0.1:3001/api/v1/auth/.well-known/jwks.json', AUTH_ISSUER: 'alphintra-auth', AUTH_AUDIENCE: 'alphintra', AUTH_TOKEN_ALGORITHM: 'RS256' },
      rateLimit: { perUserPerMinute: 600, perAnonymousPerMinute: 120 },
      trustedProxyHops: 0,
      bodyLimitBytes: 1_048_576,
      corsOrigins: [],
      upstreamTimeoutMs: 30_000,
    });
  });

  it('reads CORS origins as a comma-separated list of exact origins', () => {
    expect(loadEnv({ GATEWAY_CORS_ORIGINS: 'https://app.example.com, http://localhost:5173' }).corsOrigins).toEqual(['https://app.example.com', 'http://localhost:5173']);
    for (const bad of ['*', 'https://app.example.com/path', 'app.example.com']) {
      expect(() => loadEnv({ GATEWAY_CORS_ORIGINS: bad })).toThrow(ConfigError);
    }
  });

  it('names a malformed limit', () => {
    expect(() => loadEnv({ GATEWAY_RATE_LIMIT_PER_MINUTE: 'lots', GATEWAY_BODY_LIMIT_BYTES: '0' })).toThrow(/GATEWAY_RATE_LIMIT_PER_MINUTE[\s\S]*GATEWAY_BODY_LIMIT_BYTES|GATEWAY_BODY_LIMIT_BYTES[\s\S]*GATEWAY_RATE_LIMIT_PER_MINUTE/);
  });
});
