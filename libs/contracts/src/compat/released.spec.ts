import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_EVENTS, EVENT_MODULES, isEventContract } from './event-catalog';
import { checkEvents, formatFinding } from './released-events';
import { readReleased } from './released-store';

/** The CI gate of ADR 0007: the code's event contracts against `libs/contracts/released/`. */
describe('event contracts against the released schemas', () => {
  it('every module under events/ is in the catalogue', () => {
    const files = readdirSync(join(__dirname, '..', 'events')).filter((f) => f.endsWith('.events.ts'));
    expect(files.map((f) => f.replace(/\.ts$/, '')).sort()).toEqual(Object.keys(EVENT_MODULES).sort());
    for (const m of Object.values(EVENT_MODULES)) for (const c of Object.values(m).filter(isEventContract)) expect(ALL_EVENTS).toContain(c);
  });

  it('no released event version changed incompatibly or disappeared', () => {
    const released = readReleased(join(__dirname, '..', '..', 'released'));
    expect(Object.keys(released).length).toBeGreaterThan(0);
    const incompatible = checkEvents(released, ALL_EVENTS).filter((f) => f.kind === 'incompatible');
    // On failure: make a new version (new type or version, both consumed while in flight), or
    // see ADR 0007 for `release --retire` / `--force`.
    expect(incompatible.map(formatFinding)).toEqual([]);
  });
});
