import { spawn, spawnSync, type SpawnOptions } from 'node:child_process';
import { connect } from 'node:net';

export class PrerequisiteError extends Error {
  override name = 'PrerequisiteError';
}

export function run(cmd: string, args: string[], opts: SpawnOptions & { quiet?: boolean } = {}): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  if (r.error) throw new PrerequisiteError(`${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}:\n${r.stdout ?? ''}${r.stderr ?? ''}`);
  return String(r.stdout ?? '');
}

export function which(cmd: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

export const isRoot = (): boolean => typeof process.getuid === 'function' && process.getuid() === 0;

export function portOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ port, host });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

export async function waitForPort(port: number, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await portOpen(port)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not open port ${port} within ${timeoutMs} ms`);
}

export { spawn };
