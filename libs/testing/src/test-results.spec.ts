import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captureLog, registerSecret, registerSecrets, testResultsDir } from './test-results';

describe('test results: registered secrets and captured logs', () => {
  const before = process.env.ALPHINTRA_TEST_RESULTS;
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'test-results-'));
    process.env.ALPHINTRA_TEST_RESULTS = dir;
  });
  afterEach(() => {
    process.env.ALPHINTRA_TEST_RESULTS = before;
    rmSync(dir, { recursive: true, force: true });
  });

  it('records each secret once as a JSON line, skipping values too short to be told from prose', () => {
    registerSecret('pa$$word-with\nnewline', 'short', null, undefined);
    registerSecret('pa$$word-with\nnewline');
    registerSecrets({ auth: { ownerPassword: 'owner-password-1', runtimePassword: 'runtime-password-1' }, keys: ['kek-0123456789'] });
    const [file] = readdirSync(testResultsDir('secrets'));
    const lines = readFileSync(testResultsDir('secrets', file!), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toEqual(['pa$$word-with\nnewline', 'owner-password-1', 'runtime-password-1', 'kek-0123456789']);
  });

  it('appends captured lines to logs/<name>.log across captures', () => {
    const a = captureLog('e2e x/auth');
    a.write('{"msg":"one"}');
    a.write('two\n');
    a.close();
    a.write('after close is dropped');
    const b = captureLog('e2e x/auth');
    b.write('three');
    b.close();
    expect(readFileSync(join(dir, 'logs', 'e2e_x_auth.log'), 'utf8')).toBe('{"msg":"one"}\ntwo\nthree\n');
  });
});
