/** The parts of the gateway's merged OpenAPI document (`/docs/openapi.json`) the e2e specs read. */
export interface ApiOperation {
  parameters?: { name: string; in: string; required?: boolean; schema?: Record<string, unknown> }[];
  requestBody?: unknown;
  responses: Record<string, { content?: Record<string, unknown> }>;
  security?: unknown[];
  'x-roles'?: string[];
}

export interface ApiDocument {
  paths: Record<string, Record<string, ApiOperation>>;
  'x-unavailable-services': string[];
  [key: string]: unknown;
}

export interface Operation {
  method: string;
  path: string;
  operation: ApiOperation;
  /** Reachable without an access token (`security: []`). */
  public: boolean;
  /** Needs a role beyond trader: it names the roles (`x-roles`, from `@Roles`). (A 403 alone may be about the resource, e.g. a halt the owner may not lift.) */
  privileged: boolean;
  /** Answers an endless text/event-stream. */
  streams: boolean;
  pathParams: string[];
}

const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch']);

export async function apiDocument(gateway: string): Promise<ApiDocument> {
  const r = await fetch(`${gateway}/docs/openapi.json`);
  if (!r.ok) throw new Error(`GET /docs/openapi.json: HTTP ${r.status}`);
  return (await r.json()) as ApiDocument;
}

export function operationsOf(doc: ApiDocument): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.has(method))
      .map(([method, operation]) => ({
        method,
        path,
        operation,
        public: Array.isArray(operation.security) && operation.security.length === 0,
        privileged: (operation['x-roles'] ?? []).length > 0,
        streams: Object.values(operation.responses).some((r) => Object.keys(r.content ?? {}).includes('text/event-stream')),
        pathParams: (operation.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name),
      })),
  );
}
