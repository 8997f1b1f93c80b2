/** Strategy did not answer usefully (down, timed out, 5xx, refused our credentials, odd body). */
export class StrategyUnavailableError extends Error {
  override name = 'StrategyUnavailableError';
}

/** Strategy understood the request and refused it (4xx); `detail` is its explanation. */
export class StrategyRejectedError extends Error {
  override name = 'StrategyRejectedError';
  constructor(
    readonly status: number,
    readonly detail: string,
  ) {
    super(`strategy answered ${status}: ${detail}`);
  }
}

export interface StrategyConfig {
  url: string;
  timeoutMs: number;
}

export interface CallerHeaders {
  authorization?: string;
  requestId?: string;
}

const detailOf = (text: string): string => {
  try {
    const body = JSON.parse(text) as { detail?: unknown };
    if (typeof body.detail === 'string') return body.detail;
  } catch {
    // not problem+json; fall through to the raw text
  }
  return text.slice(0, 500) || 'no detail';
};

/** JSON over HTTP to strategy's published API; the caller's credentials travel with each call. */
export class StrategyClient {
  constructor(private readonly c: StrategyConfig) {}

  get(path: string, caller: CallerHeaders = {}): Promise<unknown> {
    return this.call('GET', path, undefined, caller);
  }

  post(path: string, body: unknown, caller: CallerHeaders = {}): Promise<unknown> {
    return this.call('POST', path, body, caller);
  }

  private async call(method: string, path: string, body: unknown, caller: CallerHeaders): Promise<unknown> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (caller.authorization) headers.authorization = caller.authorization;
    if (caller.requestId) headers['x-request-id'] = caller.requestId;
    let status: number;
    let text: string;
    try {
      const res = await fetch(this.c.url + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.c.timeoutMs),
      });
      status = res.status;
      text = await res.text();
    } catch (e) {
      throw new StrategyUnavailableError(`strategy did not answer ${method} ${path}: ${(e as Error).message}`, { cause: e });
    }
    if (status >= 200 && status < 300) {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw new StrategyUnavailableError(`strategy answered ${method} ${path} with something other than JSON`);
      }
    }
    if ([400, 404, 409, 422].includes(status)) throw new StrategyRejectedError(status, detailOf(text));
    throw new StrategyUnavailableError(`strategy answered ${method} ${path} with ${status}: ${detailOf(text)}`);
  }
}
