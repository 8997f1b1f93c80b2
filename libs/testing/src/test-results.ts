import { appendFileSync, closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@alphintra/devinfra';

/**
 * What a test run leaves for `make test`'s log scan (tools/test/log-scan.ts): the log lines of
 * every app process tests start (`logs/`), and the literal secrets tests handled (`secrets/`).
 * `make test` empties the directory first; `ALPHINTRA_TEST_RESULTS` moves it.
 */
export const testResultsDir = (...parts: string[]): string => join(process.env.ALPHINTRA_TEST_RESULTS ?? join(repoRoot(), '.local', 'test-results'), ...parts);

/** Shorter values are not recorded: they would match innocent log text. */
export const MIN_SECRET_LENGTH = 8;

const recorded = new Set<string>();

/**
 * Records literal secrets (passwords, tokens, API keys, KEKs, webhook secrets) this test
 * handles, one JSON string a line, so that the scan can prove none reached a log line.
 */
export function registerSecret(...values: (string | null | undefined)[]): void {
  const fresh = values.filter((v): v is string => typeof v === 'string' && v.length >= MIN_SECRET_LENGTH && !recorded.has(v));
  if (!fresh.length) return;
  fresh.forEach((v) => recorded.add(v));
  mkdirSync(testResultsDir('secrets'), { recursive: true });
  appendFileSync(testResultsDir('secrets', `${process.pid}.jsonl`), fresh.map((v) => `${JSON.stringify(v)}\n`).join(''), { mode: 0o600 });
}

/** Every string in a (nested) object of credentials, e.g. devstack's `newSecrets()`. */
export function registerSecrets(tree: unknown): void {
  if (typeof tree === 'string') registerSecret(tree);
  else if (tree && typeof tree === 'object') Object.values(tree).forEach(registerSecrets);
}

export interface LogCapture {
  /** Appends one line (a newline is added when missing). */
  write(line: string): void;
  close(): void;
}

/** Appends lines to `logs/<name>.log`, created when missing; synchronous, so nothing is lost when a worker exits. */
export function captureLog(name: string): LogCapture {
  mkdirSync(testResultsDir('logs'), { recursive: true });
  let fd: number | undefined = openSync(testResultsDir('logs', `${name.replace(/[^\w.-]+/g, '_')}.log`), 'a');
  return {
    write: (line) => {
      if (fd !== undefined) writeSync(fd, line.endsWith('\n') ? line : `${line}\n`);
    },
    close: () => {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}
