import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ReleasedEvents, ReleasedVersion } from './released-events';

/**
 * The committed snapshot: `manifest.json` lists every released `<type>` with its versions, and
 * `<type>.json` holds each version's topic and JSON Schema. The two must agree.
 */
const MANIFEST = 'manifest.json';

interface Manifest {
  description: string;
  events: Record<string, number[]>;
}

/** `allowMissing`: a first release starts from nothing; a check never does. */
export function readReleased(dir: string, o: { allowMissing?: boolean } = {}): ReleasedEvents {
  if (!existsSync(join(dir, MANIFEST))) {
    if (o.allowMissing) return {};
    throw new Error(`${join(dir, MANIFEST)} is missing: the released event schemas are the baseline of the check`);
  }
  const manifest = JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8')) as Manifest;
  const files = readdirSync(dir).filter((f) => f.endsWith('.json') && f !== MANIFEST);
  const stray = files.filter((f) => !(f.slice(0, -'.json'.length) in manifest.events));
  if (stray.length) throw new Error(`${dir}: ${stray.join(', ')} not in ${MANIFEST}`);
  const released: ReleasedEvents = {};
  for (const [type, versions] of Object.entries(manifest.events)) {
    const file = join(dir, `${type}.json`);
    if (!existsSync(file)) throw new Error(`${MANIFEST} lists ${type}, but ${file} is missing`);
    const body = JSON.parse(readFileSync(file, 'utf8')) as { type: string; versions: Record<string, ReleasedVersion> };
    const inFile = Object.keys(body.versions).map(Number).sort((a, b) => a - b);
    if (body.type !== type || inFile.join() !== [...versions].sort((a, b) => a - b).join()) {
      throw new Error(`${file} (${body.type} v${inFile.join(', v')}) disagrees with ${MANIFEST} (${type} v${versions.join(', v')})`);
    }
    released[type] = body.versions;
  }
  return released;
}

export function writeReleased(dir: string, released: ReleasedEvents): void {
  mkdirSync(dir, { recursive: true });
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.json'))) rmSync(join(dir, f));
  const types = Object.keys(released).sort();
  const events = Object.fromEntries(types.map((t) => [t, Object.keys(released[t]).map(Number).sort((a, b) => a - b)]));
  const manifest: Manifest = {
    description: 'Released event versions. Written by `node dist/tools/contracts/main.js release` only; checked by `check` (ADR 0007).',
    events,
  };
  const oneLineLists = (json: string) => json.replace(/\[\s+([\d,\s]+?)\s+\]/g, (_m, list: string) => `[${list.split(/,\s*/).join(', ')}]`);
  writeFileSync(join(dir, MANIFEST), `${oneLineLists(JSON.stringify(manifest, null, 2))}\n`);
  for (const t of types) {
    const versions = Object.fromEntries(events[t].map((v) => [String(v), released[t][String(v)]]));
    writeFileSync(join(dir, `${t}.json`), `${JSON.stringify({ type: t, versions }, null, 2)}\n`);
  }
}
