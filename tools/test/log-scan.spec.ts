import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scanResults, scanText, summary } from './log-scan';

const SECRET = 'Sup3r"secret\\value-42';
// a JWT's shape, made up: header {"alg":"RS256","typ":"JWT"}, payload {"sub":"x"}
const JWT = 'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ4In0xMjM0NTY.c2lnbmF0dXJlLXNpZ25hdHVyZQ';

describe('the log scan', () => {
  it('finds a planted registered secret, raw, JSON-escaped or percent-encoded, and masks it in the excerpt', () => {
    const text = [
      '{"level":30,"msg":"fine"}',
      `{"level":50,"msg":"login failed for ${SECRET}"}`,
      `{"level":50,"body":${JSON.stringify({ note: SECRET })}}`,
      `{"level":40,"url":"postgres://u:${encodeURIComponent(SECRET)}@h/db"}`,
    ].join('\n');
    const { lines, leaks } = scanText('logs/app.log', text, [SECRET]);
    expect(lines).toBe(4);
    expect(leaks.map((l) => [l.file, l.line, l.kind])).toEqual([
      ['logs/app.log', 2, 'registered secret #1'],
      ['logs/app.log', 3, 'registered secret #1'],
      ['logs/app.log', 4, 'registered secret #1'],
    ]);
    expect(leaks[0]!.excerpt).toBe('{"level":50,"msg":"login failed for ***"}');
    for (const l of leaks) expect(l.excerpt).not.toContain('secret\\');
  });

  it.each([
    ['a JWT', `{"msg":"token ${JWT}"}`, 'JWT'],
    ['a PEM private key', '-----BEGIN RSA PRIVATE KEY-----MIIEpAIBAAKCAQEA', 'PEM private key'],
    ['a password field', '{"req":{"body":{"email":"a@b.c","password":"hunter2hunter2"}}}', 'secret-named JSON field'],
    ['a password field inside a JSON string', '{"msg":"body {\\"password\\":\\"hunter2hunter2\\"}"}', 'secret-named JSON field'],
    ['a refresh token field', '{"refreshToken":"opaque-value"}', 'secret-named JSON field'],
    ['an Authorization: Bearer header', 'GET /me Authorization: Bearer abc.def.ghi', 'Authorization: Bearer'],
    ['an authorization header in JSON', '{"headers":{"authorization":"Bearer opaque-token"}}', 'Authorization: Bearer'],
  ])('finds %s nobody registered', (_what, line, kind) => {
    const { leaks } = scanText('run.log', line, []);
    expect(leaks).toEqual([expect.objectContaining({ line: 1, kind })]);
    expect(leaks[0]!.excerpt).toContain('***');
    expect(leaks[0]!.excerpt).not.toMatch(/hunter2|opaque|abc\.def|MIIE|eyJhbGci/);
  });

  it.each([
    ['a redacted password', '{"req":{"body":{"password":"[redacted]"}}}'],
    ['a redacted authorization header', '{"req":{"headers":{"authorization":"[redacted]"}}}'],
    ['an empty password', '{"password":""}'],
    ['the masked tail of an API key', '{"apiKeyLast4":"WXYZ","tokenType":"Bearer"}'],
    ['a test named after what it checks', '  ✓ rejects a weak password (12 ms)'],
    ['a secret unrelated to this line', '{"msg":"ok"}'],
  ])('does not flag %s', (_what, line) => {
    expect(scanText('run.log', line, [SECRET]).leaks).toEqual([]);
  });

  it('reads logs and registered secrets from a results directory, ignoring colour codes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'log-scan-'));
    try {
      mkdirSync(join(dir, 'logs'));
      mkdirSync(join(dir, 'secrets'));
      writeFileSync(join(dir, 'secrets', '1.jsonl'), `${JSON.stringify(SECRET)}\n"another-secret-1"\n{cut`);
      writeFileSync(join(dir, 'secrets', '2.jsonl'), `"another-secret-1"\n`);
      writeFileSync(join(dir, 'logs', 'e2e.auth.log'), '{"msg":"a"}\n{"msg":"b"}\n');
      writeFileSync(join(dir, 'logs', 'run.log'), `PASS x\n\x1b[31manother-\x1b[0m\x1b[31msecret-1\x1b[0m\n`);
      const r = scanResults(dir);
      expect(r).toMatchObject({ lines: 4, files: 2, secrets: 2 });
      expect(r.leaks.map((l) => `${l.file}:${l.line}`)).toEqual(['logs/run.log:2']);
      expect(summary(r)).toBe('log scan: 4 lines in 2 files, 2 secrets checked, 1 leaks');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
