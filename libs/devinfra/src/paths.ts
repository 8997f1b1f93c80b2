import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** Downloads (Node, Kafka jars, Maven repository, helm): outside the repo, kept between runs. */
export const cacheDir = (): string => process.env.ALPHINTRA_CACHE ?? join(homedir(), '.cache', 'alphintra');

/** Repository root (this file sits at libs/devinfra/src or dist/libs/devinfra/src). */
export const repoRoot = (): string => {
  const up = resolve(__dirname, '..', '..', '..');
  return up.endsWith('/dist') ? resolve(up, '..') : up;
};

/** Runtime state of local processes (data dirs, logs, pids): git-ignored. */
export const stateDir = (...parts: string[]): string => join(process.env.ALPHINTRA_STATE ?? join(repoRoot(), '.local'), ...parts);
