import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ALL_EVENTS, checkEvents, formatFinding, readReleased, releaseEvents, writeReleased } from '@alphintra/contracts';
import { repoRoot } from '@alphintra/devinfra';

const USAGE = `usage: contracts <command> [--dir DIR]
  check     compare every event contract with the released schemas; exit 1 on an incompatible change
  release   record the current contracts as released (refuses incompatible changes)
            [--retire <type>@<version>]...  drop released versions removed from the code
            [--force]                       record incompatible changes too (say why in the review)
  --dir     the snapshot directory (default libs/contracts/released)`;

function main(argv: string[]): number {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { dir: { type: 'string' }, retire: { type: 'string', multiple: true }, force: { type: 'boolean' } },
  });
  const dir = values.dir ?? join(repoRoot(), 'libs', 'contracts', 'released');
  switch (positionals[0]) {
    case 'check': {
      const findings = checkEvents(readReleased(dir), ALL_EVENTS);
      for (const f of findings) console.log(`${f.kind.padEnd(12)} ${formatFinding(f)}`);
      const bad = findings.filter((f) => f.kind === 'incompatible').length;
      console.log(`${ALL_EVENTS.length} event versions checked against ${dir}: ${bad} incompatible`);
      return bad ? 1 : 0;
    }
    case 'release': {
      const next = releaseEvents(readReleased(dir, { allowMissing: true }), ALL_EVENTS, { retire: values.retire, force: values.force });
      writeReleased(dir, next);
      console.log(`released ${Object.values(next).reduce((n, v) => n + Object.keys(v).length, 0)} event versions into ${dir}`);
      return 0;
    }
    default:
      console.error(USAGE);
      return positionals[0] ? 64 : 0;
  }
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (e) {
  const usage = String((e as { code?: string }).code).startsWith('ERR_PARSE_ARGS');
  console.error(usage ? `${(e as Error).message}\n${USAGE}` : e instanceof Error ? e.message : e);
  process.exitCode = usage ? 64 : 1;
}
