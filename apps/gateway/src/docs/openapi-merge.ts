import type { OpenAPIObject } from '@nestjs/swagger';
import { PROBLEM_SCHEMA } from '@alphintra/platform-http';
import { isPublicRoute } from '../routing/authenticate.hook';
import { upstreamOf } from '../routing/routes';
import { STREAM_PROTOCOL } from '../stream/stream.docs';

export interface ServiceDocument {
  service: string;
  document: OpenAPIObject;
}

type Json = Record<string, unknown>;
type Sections = Record<string, Record<string, unknown>>;

const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);
const BEARER = { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' };

/** JSON with object keys sorted: the same definition written in another key order compares equal. */
const canonical = (v: unknown): string =>
  JSON.stringify(v, (_k, x: unknown) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x));

/** `section/name` of every component at least two services define differently. Security schemes are not renamed: requirements name them, not `$ref`. */
function clashes(docs: ServiceDocument[]): Set<string> {
  const seen = new Map<string, string>();
  const clash = new Set<string>();
  for (const { document } of docs) {
    for (const [section, entries] of Object.entries((document.components ?? {}) as Sections)) {
      if (section === 'securitySchemes') continue;
      for (const [name, definition] of Object.entries(entries ?? {})) {
        const key = `${section}/${name}`;
        const text = canonical(definition);
        if (!seen.has(key)) seen.set(key, text);
        else if (seen.get(key) !== text) clash.add(key);
      }
    }
  }
  return clash;
}

/** A copy of a service's document with its clashing components renamed `<service>_<name>`, references included. */
function withServicePrefix({ service, document }: ServiceDocument, clash: Set<string>): OpenAPIObject {
  const renamed = (section: string, name: string) => (clash.has(`${section}/${name}`) ? `${service}_${name}` : name);
  const text = JSON.stringify(document).replace(/"#\/components\/([A-Za-z]+)\/([^"]+)"/g, (_m, section: string, name: string) => `"#/components/${section}/${renamed(section, name)}"`);
  const copy = JSON.parse(text) as OpenAPIObject;
  const sections = (copy.components ?? {}) as Sections;
  for (const [section, entries] of Object.entries(sections)) {
    if (section !== 'securitySchemes') sections[section] = Object.fromEntries(Object.entries(entries ?? {}).map(([n, d]) => [renamed(section, n), d]));
  }
  return copy;
}

const gatewayProblem = (description: string) => ({ description, content: { 'application/problem+json': { schema: PROBLEM_SCHEMA } } });

/**
 * What the gateway itself answers before a call reaches the service: operations it lets through
 * without a token say so (overriding the document-wide bearer requirement), the others document
 * its 401; every operation its per-caller 429, and those with a body its 413.
 */
function addGatewayAnswers(path: string, item: Json): void {
  for (const [method, operation] of Object.entries(item) as [string, Json][]) {
    if (!METHODS.has(method)) continue;
    const responses = (operation.responses ??= {}) as Json;
    if (isPublicRoute(method, path)) operation.security = [];
    else responses[401] ??= gatewayProblem('No or invalid access token');
    responses[429] ??= gatewayProblem('Rate limited (per caller and minute); see Retry-After');
    if (operation.requestBody) responses[413] ??= gatewayProblem('The request body is too large');
  }
}

/**
 * One document for the whole API: each service's paths the gateway routes to it, the components
 * of all (renamed on conflict), bearer security, and the services whose document was unavailable.
 */
export function mergeOpenApi(docs: ServiceDocument[], unavailable: string[]): OpenAPIObject {
  const clash = clashes(docs);
  const paths: Record<string, Json> = {};
  const components: Sections = { securitySchemes: { bearer: BEARER } };
  const tags = new Map<string, unknown>();
  for (const source of docs) {
    const document = withServicePrefix(source, clash);
    for (const [path, item] of Object.entries(document.paths ?? {})) {
      if (upstreamOf(path) !== source.service) continue;
      paths[path] = { ...(item as Json), ...paths[path] };
      addGatewayAnswers(path, paths[path]);
    }
    for (const [section, entries] of Object.entries((document.components ?? {}) as Sections)) components[section] = { ...entries, ...components[section] };
    for (const tag of document.tags ?? []) if (!tags.has(tag.name)) tags.set(tag.name, tag);
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Alphintra API', version: '1', description: `Every service behind the gateway, merged. Authenticated calls carry \`Authorization: Bearer <accessToken>\`.\n${STREAM_PROTOCOL}` },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    tags: [...tags.values()],
    paths,
    components,
    'x-unavailable-services': unavailable,
  } as unknown as OpenAPIObject;
}
