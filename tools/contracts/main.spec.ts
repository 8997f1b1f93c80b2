import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '@alphintra/devinfra';

// The CLI from the build against copies of the committed snapshot (tools/run.sh builds first).
const main = join(repoRoot(), 'dist/tools/contracts/main.js');
const released = join(repoRoot(), 'libs/contracts/released');
const contracts = (...args: string[]) => {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
};

describe('node dist/tools/contracts/main.js', () => {
  const work = mkdtempSync(join(tmpdir(), 'alphintra-contracts-'));
  beforeAll(() => {
    if (!existsSync(main)) throw new Error('dist/ is missing: run `npm run build` first (tools/run.sh test does)');
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('check passes on the committed snapshot', () => {
    // (event versions added since the last release are listed as `unreleased` and pass)
    expect(contracts('check', '--dir', released)).toEqual({ code: 0, out: expect.stringMatching(/(^|\n)\d+ event versions checked against .*: 0 incompatible\n$/) });
  });

  it('check fails naming the event and path when the code no longer matches a released version; release refuses it', () => {
    const dir = join(work, 'drifted');
    cpSync(released, dir, { recursive: true });
    const file = join(dir, 'user.preferences.updated.json');
    const snapshot = JSON.parse(readFileSync(file, 'utf8'));
    const v1 = snapshot.versions['1'].schema;
    // as if v1 had been released without `email`, and the code had since made it required
    delete v1.properties.email;
    v1.required = v1.required.filter((k: string) => k !== 'email');
    writeFileSync(file, JSON.stringify(snapshot));

    const check = contracts('check', '--dir', dir);
    expect(check.code).toBe(1);
    expect(check.out).toContain('incompatible user.preferences.updated v1 $.email: new required field (old events lack it)');
    const release = contracts('release', '--dir', dir);
    expect(release).toEqual({ code: 1, out: expect.stringContaining('user.preferences.updated v1 $.email: new required field') });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(snapshot);
  });

  it('release writes a snapshot that check then passes; check without one fails', () => {
    const dir = join(work, 'fresh');
    expect(contracts('check', '--dir', dir)).toEqual({ code: 1, out: expect.stringContaining('manifest.json is missing') });
    expect(contracts('release', '--dir', dir)).toEqual({ code: 0, out: expect.stringMatching(/^released \d+ event versions into /) });
    expect(contracts('check', '--dir', dir).code).toBe(0);
    const manifest = (d: string) => JSON.parse(readFileSync(join(d, 'manifest.json'), 'utf8')).events;
    expect(manifest(dir)).toMatchObject(manifest(released));
  });
});
