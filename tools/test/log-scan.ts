import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoRoot } from '@alphintra/devinfra';

/**
 * The proof of "no secret, token or password in any log line": every captured line is searched
 * for every literal secret the tests registered (`@alphintra/testing` `registerSecret`), in the
 * forms a log writer could have encoded it, and for the shapes of secrets nobody registered.
 */
export interface Leak {
  file: string;
  line: number;
  kind: string;
  /** The line with every secret in it masked, cut to a readable length. */
  excerpt: string;
}

export interface ScanResult {
  lines: number;
  files: number;
  secrets: number;
  leaks: Leak[];
}

/** `$1` is kept, what follows it is the secret. */
export const PATTERNS: { kind: string; re: RegExp }[] = [
  { kind: 'JWT', re: /(eyJ)[\w-]{10,}\.[\w-]{10,}\.[\w-]{10,}/g },
  { kind: 'PEM private key', re: /(-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----)(?:.*)/g },
  {
    kind: 'secret-named JSON field',
    re: /(\\?"(?:\w*password|passwd|\w*secret|(?:access|refresh)_?token|api_?key|x-api-key)\\?"\s*:\s*\\?")(?!\[redacted\])[^"\\]+/gi,
  },
  { kind: 'Authorization: Bearer', re: /(authorization\\?"?\s*[:=]\s*\\?"?\s*bearer\s+)(?!\[redacted\])[\w.~+/=-]+/gi },
];

const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;
const MAX_EXCERPT = 240;

/** A secret as it may appear in a line: as is, JSON-escaped, or percent-encoded. */
export const formsOf = (secret: string): string[] => [...new Set([secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)])];

/** Thousands of secrets against tens of thousands of lines: each line is read once, looking its 8-character windows up. */
const WINDOW = 8;

interface Form {
  text: string;
  secret: number;
}

const indexes = new WeakMap<readonly string[], { byWindow: Map<string, Form[]>; short: Form[] }>();

function formIndex(secrets: readonly string[]): { byWindow: Map<string, Form[]>; short: Form[] } {
  const known = indexes.get(secrets);
  if (known) return known;
  const byWindow = new Map<string, Form[]>();
  const short: Form[] = [];
  secrets.forEach((s, secret) => {
    for (const text of formsOf(s)) {
      if (text.length < WINDOW) short.push({ text, secret });
      else byWindow.set(text.slice(0, WINDOW), [...(byWindow.get(text.slice(0, WINDOW)) ?? []), { text, secret }]);
    }
  });
  indexes.set(secrets, { byWindow, short });
  return { byWindow, short };
}

function formsIn(line: string, index: ReturnType<typeof formIndex>): Form[] {
  const found = index.short.filter((f) => line.includes(f.text));
  for (let i = 0; i + WINDOW <= line.length; i++) {
    for (const f of index.byWindow.get(line.slice(i, i + WINDOW)) ?? []) if (line.startsWith(f.text, i)) found.push(f);
  }
  return found;
}

/** The leaks of one file's text. Pure: the caller reads the files. */
export function scanText(file: string, text: string, secrets: readonly string[]): { lines: number; leaks: Leak[] } {
  const index = formIndex(secrets);
  const leaks: Leak[] = [];
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  lines.forEach((raw, i) => {
    const line = raw.replace(ANSI, '');
    const kinds: string[] = [];
    let masked = line;
    for (const f of formsIn(line, index)) {
      kinds.push(`registered secret #${f.secret + 1}`);
      masked = masked.split(f.text).join('***');
    }
    for (const p of PATTERNS) {
      p.re.lastIndex = 0;
      if (!p.re.test(masked)) continue;
      kinds.push(p.kind);
      masked = masked.replace(p.re, '$1***');
    }
    if (kinds.length) leaks.push({ file, line: i + 1, kind: [...new Set(kinds)].join(', '), excerpt: excerpt(masked) });
  });
  return { lines: lines.length, leaks };
}

function excerpt(masked: string): string {
  if (masked.length <= MAX_EXCERPT) return masked;
  const at = Math.max(0, masked.indexOf('***') - MAX_EXCERPT / 2);
  return `${at > 0 ? '…' : ''}${masked.slice(at, at + MAX_EXCERPT)}…`;
}

/** The literal secrets in `<results>/secrets/*.jsonl`, one JSON string a line. */
export function readSecrets(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const secrets = new Set<string>();
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.jsonl'))) {
    for (const l of readFileSync(join(dir, f), 'utf8').split('\n')) {
      if (!l.trim()) continue;
      try {
        const v: unknown = JSON.parse(l);
        if (typeof v === 'string' && v) secrets.add(v);
      } catch {
        // a line cut by a killed worker: the rest of the file still counts
      }
    }
  }
  return [...secrets];
}

/** Every `*.log` under `<results>/logs` against `<results>/secrets`. */
export function scanResults(results: string): ScanResult {
  const secrets = readSecrets(join(results, 'secrets'));
  const logs = join(results, 'logs');
  const files = existsSync(logs) ? readdirSync(logs, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.log')) : [];
  const result: ScanResult = { lines: 0, files: files.length, secrets: secrets.length, leaks: [] };
  for (const f of files.sort()) {
    const { lines, leaks } = scanText(relative(results, join(logs, f)), readFileSync(join(logs, f), 'utf8'), secrets);
    result.lines += lines;
    result.leaks.push(...leaks);
  }
  return result;
}

export const summary = (r: ScanResult): string => `log scan: ${r.lines} lines in ${r.files} files, ${r.secrets} secrets checked, ${r.leaks.length} leaks`;

/** `node dist/tools/test/log-scan.js [results dir]`: the scan `make test` ends with, on its own. */
if (require.main === module) {
  const dir = process.argv[2] ?? join(repoRoot(), '.local', 'test-results');
  const r = scanResults(dir);
  for (const l of r.leaks) process.stdout.write(`${l.file}:${l.line}: ${l.kind}: ${l.excerpt}\n`);
  process.stdout.write(`${summary(r)}\n`);
  process.exit(r.leaks.length ? 1 : 0);
}
