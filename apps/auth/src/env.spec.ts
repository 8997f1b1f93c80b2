import { randomBytes } from 'node:crypto';
import { ConfigError } from '@alphintra/platform-config';
import { loadEnv } from './env';

const base = { KAFKA_BROKERS: 'localhost:9092', AUTH_DATABASE_PASSWORD: 'secret', AUTH_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64') };
const variablesOf = (f: () => unknown): string[] => {
  try {
    f();
  } catch (e) {
    if (e instanceof ConfigError) return e.issues.map((i) => i.variable);
    throw e;
  }
  return [];
};

describe('auth env', () => {
  it('defaults the JWKS URL to the service itself and the token settings to the documented values', () => {
    const env = loadEnv({ ...base, PORT: '3101' });
    expect(env.AUTH_JWKS_URL).toBe('http://127.0.0.1:3101/api/v1/auth/.well-known/jwks.json');
    expect(env).toMatchObject({ AUTH_ISSUER: 'alphintra-auth', AUTH_AUDIENCE: 'alphintra', AUTH_ACCESS_TOKEN_TTL_SECONDS: 900, AUTH_REFRESH_REUSE_GRACE_SECONDS: 2 });
    expect(env.AUTH_KEY_ENCRYPTION_KEY).toEqual(Buffer.from(base.AUTH_KEY_ENCRYPTION_KEY, 'base64'));
  });

  it.each([
    ['missing', undefined],
    ['16 bytes', randomBytes(16).toString('base64')],
    ['33 bytes', randomBytes(33).toString('base64')],
    ['not base64', '!'.repeat(44)],
  ])('refuses a key-encryption key that is %s', (_, value) => {
    expect(variablesOf(() => loadEnv({ ...base, AUTH_KEY_ENCRYPTION_KEY: value }))).toEqual(['AUTH_KEY_ENCRYPTION_KEY']);
  });

  it('needs both bootstrap admin variables or neither', () => {
    expect(variablesOf(() => loadEnv({ ...base, AUTH_BOOTSTRAP_ADMIN_EMAIL: 'admin@example.com' }))).toEqual(['AUTH_BOOTSTRAP_ADMIN_PASSWORD']);
    expect(variablesOf(() => loadEnv({ ...base, AUTH_BOOTSTRAP_ADMIN_PASSWORD: 'long enough password' }))).toEqual(['AUTH_BOOTSTRAP_ADMIN_EMAIL']);
    expect(variablesOf(() => loadEnv({ ...base, AUTH_BOOTSTRAP_ADMIN_EMAIL: 'admin@example.com', AUTH_BOOTSTRAP_ADMIN_PASSWORD: 'short' }))).toEqual(['AUTH_BOOTSTRAP_ADMIN_PASSWORD']);
    expect(loadEnv({ ...base, AUTH_BOOTSTRAP_ADMIN_EMAIL: 'Admin@Example.com', AUTH_BOOTSTRAP_ADMIN_PASSWORD: 'long enough password' }).AUTH_BOOTSTRAP_ADMIN_EMAIL).toBe('admin@example.com');
  });
});
