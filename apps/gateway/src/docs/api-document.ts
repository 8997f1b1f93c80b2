import type { OpenAPIObject } from '@nestjs/swagger';
import { mergeOpenApi, type ServiceDocument } from './openapi-merge';

async function fetchDocument(base: string, timeoutMs: number): Promise<OpenAPIObject> {
  const res = await fetch(`${base}/openapi.json`, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const document = (await res.json()) as OpenAPIObject;
  if (!document || typeof document.paths !== 'object') throw new Error('not an OpenAPI document');
  return document;
}

export interface ApiDocumentOptions {
  ttlMs?: number;
  timeoutMs?: number;
  now?: () => number;
}

/** The merged OpenAPI document, built from every service's `/openapi.json` when asked and kept for a short while. */
export class ApiDocument {
  private cached?: { at: number; document: Promise<OpenAPIObject> };

  constructor(
    private readonly upstreams: Record<string, string>,
    private readonly o: ApiDocumentOptions = {},
  ) {}

  current(): Promise<OpenAPIObject> {
    const now = (this.o.now ?? Date.now)();
    if (!this.cached || now - this.cached.at >= (this.o.ttlMs ?? 30_000)) this.cached = { at: now, document: this.build() };
    return this.cached.document;
  }

  private async build(): Promise<OpenAPIObject> {
    const fetched = await Promise.all(
      Object.entries(this.upstreams).map(([service, url]) =>
        fetchDocument(url, this.o.timeoutMs ?? 2_000).then(
          (document): ServiceDocument => ({ service, document }),
          () => service,
        ),
      ),
    );
    const available = fetched.filter((f): f is ServiceDocument => typeof f !== 'string');
    return mergeOpenApi(available, fetched.filter((f): f is string => typeof f === 'string'));
  }
}
