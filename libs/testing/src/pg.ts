import { Client, type ClientConfig } from 'pg';

/** Runs `f` on a connection of its own, closed afterwards. */
export async function withClient<T>(config: ClientConfig, f: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client(config);
  await c.connect();
  try {
    return await f(c);
  } finally {
    await c.end();
  }
}

/** The SQLSTATE of what `f` raised (its message when it has none), or 'ok'. */
export async function outcome(f: () => Promise<unknown>): Promise<string> {
  try {
    await f();
    return 'ok';
  } catch (e) {
    return (e as { code?: string }).code ?? (e as Error).message;
  }
}
