import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Loads and validates an app's whole environment: the `loadEnv` every `apps/<app>/src/env.ts` exports. */
export type LoadEnv = (source: NodeJS.ProcessEnv) => unknown;

/** A variable holding the base URL of another app: `<TARGET>_…_URL`, or the gateway's `GATEWAY_UPSTREAM_<TARGET>`. */
export interface ServiceUrlVariable {
  name: string;
  /** The app the name designates, or undefined for an outside server (`SMTP_URL`). */
  target?: string;
}

/** Every app: the folders of `apps/` that have an `src/env.ts`. */
export function appsIn(root: string): string[] {
  return readdirSync(join(root, 'apps')).filter((a) => existsSync(join(root, 'apps', a, 'src', 'env.ts'))).sort();
}

/**
 * The app's `loadEnv`. Apps are not libraries (module boundaries forbid importing them), so the
 * schema is loaded by path: this is the one check that has to look at every app's configuration.
 */
export function loadEnvOf(root: string, app: string): LoadEnv {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(join(root, 'apps', app, 'src', 'env.ts')) as { loadEnv?: LoadEnv };
  if (typeof mod.loadEnv !== 'function') throw new Error(`apps/${app}/src/env.ts exports no loadEnv`);
  return mod.loadEnv;
}

/**
 * Every variable `loadEnv` reads, whether required, optional or defaulted: it parses an
 * environment that records each name asked for (zod reads every key of an object schema, and
 * reports all problems at once, so a failed parse still asks for all of them).
 */
export function variablesRead(loadEnv: LoadEnv): string[] {
  const read = new Set<string>();
  const record = (k: string | symbol) => {
    if (typeof k === 'string' && /^[A-Z][A-Z0-9_]*$/.test(k)) read.add(k);
  };
  const source = new Proxy({} as NodeJS.ProcessEnv, {
    get: (_t, k) => (record(k), undefined),
    has: (_t, k) => (record(k), false),
  });
  try {
    loadEnv(source);
  } catch (e) {
    if ((e as Error).name !== 'ConfigError') throw e;
  }
  return [...read].sort();
}

/** The URL variables among `variables`, each with the app its name designates. */
export function serviceUrlVariables(variables: string[], apps: string[]): ServiceUrlVariable[] {
  return variables
    .filter((v) => /_URL$/.test(v) || /^GATEWAY_UPSTREAM_[A-Z]+$/.test(v))
    .map((name) => {
      const first = name.replace(/^GATEWAY_UPSTREAM_/, '').split('_')[0].toLowerCase();
      return { name, target: apps.includes(first) ? first : undefined };
    });
}
