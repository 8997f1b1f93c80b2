import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN, call, eventually, startE2ePlatform, type E2ePlatform } from './platform-e2e';
import { apiDocument, operationsOf, type ApiDocument } from './openapi-operations';

/** Examples per operation and phase: the whole step stays near two minutes on two cores. */
const MAX_EXAMPLES = Number(process.env.ALPHINTRA_FUZZ_EXAMPLES ?? 8);
/** A fixed seed keeps the CI gate repeatable; set ALPHINTRA_FUZZ_SEED to explore elsewhere. */
const SEED = process.env.ALPHINTRA_FUZZ_SEED ?? '20261122';
const CHECKS = ['not_a_server_error', 'status_code_conformance', 'content_type_conformance', 'response_schema_conformance'];

/** Schemathesis's `st`, installed on first use into a venv in the cache; no Python, no venv: the test fails here. */
function schemathesis(): string {
  const r = spawnSync('bash', [join(__dirname, 'schemathesis.sh')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`Schemathesis could not be installed (tools/e2e/schemathesis.sh exited ${r.status}):\n${r.stderr}${r.error ?? ''}`);
  return r.stdout.trim();
}

/** A copy of the document with only the operations `keep` accepts. */
function subset(doc: ApiDocument, keep: (o: ReturnType<typeof operationsOf>[number]) => boolean): ApiDocument {
  const paths: ApiDocument['paths'] = {};
  for (const o of operationsOf(doc).filter(keep)) (paths[o.path] ??= {})[o.method] = o.operation;
  return { ...doc, paths };
}

/** Runs `st` in `cwd`, where it keeps its own cache (`.schemathesis/`): a temporary directory, never the repository. */
function run(st: string, args: string[], cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(st, args, { cwd, env: { ...process.env, NO_COLOR: '1', PYTHONUNBUFFERED: '1' } });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('the API through the gateway under Schemathesis', () => {
  let st: string;
  let platform: E2ePlatform;
  let dir: string;
  let doc: ApiDocument;
  const tokens: Record<'trader' | 'admin', string> = { trader: '', admin: '' };

  beforeAll(async () => {
    st = schemathesis();
    dir = mkdtempSync(join(tmpdir(), 'alphintra-fuzz-'));
    platform = await startE2ePlatform('e2e-fuzz', 55_448, 19_580, ['gateway', 'auth', 'user', 'strategy', 'trading', 'risk', 'broker', 'nocode', 'notification'], {
      // Each pass sends thousands of calls as one user; the limiter itself is security.spec.ts's subject.
      env: { GATEWAY_RATE_LIMIT_PER_MINUTE: '1000000', GATEWAY_ANONYMOUS_RATE_LIMIT_PER_MINUTE: '1000000' },
    });
    const password = 'fuzzing password 123';
    await call(platform.url, 'POST', '/api/v1/auth/register', { body: { email: 'fuzz@e2e.test', password } });
    const login = async (email: string, pw: string) => String((await call(platform.url, 'POST', '/api/v1/auth/login', { body: { email, password: pw } })).body.accessToken);
    tokens.trader = await login('fuzz@e2e.test', password);
    tokens.admin = await login(ADMIN.email, ADMIN.password);
    // The gateway merges what the services answer; one that was slow to answer is missing at first.
    doc = await eventually('the merged OpenAPI document of every service', async () => {
      const d = await apiDocument(platform.url);
      return d['x-unavailable-services'].length === 0 ? d : undefined;
    });
  }, 300_000);
  afterAll(async () => {
    await platform?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const fuzz = async (name: string, as: 'trader' | 'admin', keep: Parameters<typeof subset>[1]) => {
    const selected = subset(doc, keep);
    const count = operationsOf(selected).length;
    expect(count).toBeGreaterThan(0);
    const file = join(dir, `${name}.json`);
    writeFileSync(file, JSON.stringify(selected));
    const args = ['run', file, '--url', platform.url, '--header', `Authorization: Bearer ${tokens[as]}`, '--checks', CHECKS.join(','), '--max-examples', String(MAX_EXAMPLES)];
    const { code, output } = await run(st, [...args, '--seed', SEED, '--request-timeout', '15', '--no-color'], dir);
    const tested = Number(/Tested: (\d+)/.exec(output)?.[1] ?? 0);
    if (code !== 0 || tested !== count) {
      const report = output.includes('FAILURES') ? output.slice(output.indexOf('FAILURES') - 40) : output;
      throw new Error(`Schemathesis (${as}, seed ${SEED}) exited ${code} after testing ${tested} of ${count} operations:\n${report.slice(0, 24_000)}`);
    }
  };

  // Everything a trader can call; an endless event stream cannot be fuzzed by request and answer.
  it('finds no server error, undocumented status, content type or body in what a trader calls', () => fuzz('trader', 'trader', (o) => !o.streams), 400_000);

  it('finds none in the operations that need the admin or compliance role, called as an admin', () => fuzz('admin', 'admin', (o) => o.privileged), 300_000);
});
