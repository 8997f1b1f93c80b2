import { Writable } from 'node:stream';
import pino from 'pino';
import { loggerOptions } from './logger';

/** The lines a service logger writes, as text. */
function capture(): { logger: pino.Logger; text: () => string } {
  const chunks: string[] = [];
  const sink = new Writable({ write: (c: Buffer, _e, done) => (chunks.push(c.toString()), done()) });
  return { logger: pino(loggerOptions('test', 'info'), sink), text: () => chunks.join('') };
}

describe('the service logger', () => {
  const secrets = {
    password: 'top-level-password',
    nested: 'one-down-password',
    deep: 'two-down-refresh-token',
    bearer: 'Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.sig',
    cookie: 'session=cookie-value',
    apiSecret: 'venue-api-secret',
    kek: 'a2VrLWtlay1rZWstazEy',
    webhook: 'webhook-secret-value',
  };

  it('redacts passwords, tokens, credentials, keys and auth headers wherever a log call puts them', () => {
    const { logger, text } = capture();
    logger.info({ password: secrets.password, body: { email: 'a@b.c', password: secrets.nested } }, 'login');
    logger.info({ req: { body: { refreshToken: secrets.deep } } }, 'refresh');
    logger.info({ req: { method: 'GET', headers: { authorization: secrets.bearer, cookie: secrets.cookie, 'x-api-key': secrets.apiSecret } } }, 'in');
    logger.warn({ err: { config: { headers: { authorization: secrets.bearer } } } }, 'upstream');
    logger.info({ connection: { credentials: { apiKey: 'k', apiSecret: secrets.apiSecret } }, kek: secrets.kek, env: { webhookSecret: secrets.webhook } }, 'misc');
    const out = text();
    for (const [what, value] of Object.entries(secrets)) expect({ what, leaked: out.includes(value) }).toEqual({ what, leaked: false });
    expect(out.match(/\[redacted\]/g)!.length).toBeGreaterThanOrEqual(9);
    expect(out).toContain('"email":"a@b.c"');
    expect(out).toContain('"method":"GET"');
  });
});
