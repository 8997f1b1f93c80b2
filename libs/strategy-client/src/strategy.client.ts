/** The service did not answer usefully (down, timed out, 5xx, refused our credentials, odd body). */
export class ServiceUnavailableError extends Error {
  override name = 'ServiceUnavailableError';
}

/** The service understood the request and refused it (4xx); `detail` is its explanation. */
export class ServiceRejectedError extends Error {
  override name = 'ServiceRejectedError';
  constructor(
    readonly status: number,
    readonly detail: string,
    service = 'strategy',
  ) {
    super(`${service} answered ${status}: ${detail}`);
  }
}

/** What strategy's callers (user, nocode) catch. */
export { ServiceUnavailableError as StrategyUnavailableError, ServiceRejectedError as StrategyRejectedError };

export interface StrategyConfig {
  url: string;
  timeoutMs: number;
}

export interface ServiceConfig extends StrategyConfig {
  /** The service's name, in error messages. */
  service: string;
}

export interface CallerHeaders {
  authorization?: string;
  requestId?: string;
}

/** A refusal the caller can act on; anything else is the service being unavailable. */
const REJECTIONS = [400, 404, 409, 422, 429];

const detailOf = (text: string): string => {
  try {
    const body = JSON.parse(text) as { detail?: unknown };
    if (typeof body.detail === 'string') return body.detail;
  } catch {
    // not problem+json; fall through to the raw text
  }
  return text.slice(0, 500) || 'no detail';
};

/** JSON over HTTP to another service's published API; the caller's credentials travel with each call. */
export class ServiceClient {
  constructor(private readonly c: ServiceConfig) {}

  get(path: string, caller: CallerHeaders = {}): Promise<unknown> {
    return this.call('GET', path, undefined, caller);
  }

  post(path: string, body: unknown, caller: CallerHeaders = {}): Promise<unknown> {
    return this.call('POST', path, body, caller);
  }

  private async call(method: string, path: string, body: unknown, caller: CallerHeaders): Promise<unknown> {
    const { service } = this.c;
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
      throw new ServiceUnavailableError(`${service} did not answer ${method} ${path}: ${(e as Error).message}`, { cause: e });
    }
    if (status >= 200 && status < 300) {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw new ServiceUnavailableError(`${service} answered ${method} ${path} with something other than JSON`);
      }
    }
    if (REJECTIONS.includes(status)) throw new ServiceRejectedError(status, detailOf(text), service);
    throw new ServiceUnavailableError(`${service} answered ${method} ${path} with ${status}: ${detailOf(text)}`);
  }
}

/** Strategy's published API, as user and nocode call it. */
export class StrategyClient extends ServiceClient {
  constructor(c: StrategyConfig) {
    super({ ...c, service: 'strategy' });
  }
}
