import { applyDecorators, HttpStatus } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiHeader, ApiOperation, ApiParam, ApiQuery, ApiResponse } from '@nestjs/swagger';
import { z } from 'zod';

type JsonSchema = Record<string, unknown> & { properties?: Record<string, JsonSchema>; required?: string[] };

/** The OpenAPI 3.0 schema of what a zod schema accepts (`input`) or produces (`output`). */
export function openApiSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io, target: 'openapi-3.0', unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

/** RFC 9457 problem details as every service and the gateway send them (problem.filter.ts). */
export const PROBLEM_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer', minimum: 400, maximum: 599 },
    detail: { type: 'string' },
    instance: { type: 'string' },
    code: { type: 'string', description: 'stable error code, e.g. ORDER.NOT_FOUND' },
    errors: {
      type: 'array',
      // nocode's graph errors also name the node or edge
      items: { type: 'object', required: ['path', 'message'], properties: { path: { type: 'string' }, message: { type: 'string' }, nodeId: { type: 'string' }, edgeId: { type: 'string' } }, additionalProperties: false },
    },
  },
  additionalProperties: false,
};

const PROBLEM_TEXT: Record<number, string> = {
  400: 'Malformed request; `errors` names each invalid field',
  401: 'No or invalid access token',
  403: 'The caller lacks the role this needs',
  404: 'Not found (also for other users’ resources)',
  409: 'Conflict with the current state',
  413: 'The request body is too large',
  414: 'A path parameter is longer than the router takes (100 characters)',
  415: 'Unsupported request content type',
  422: 'Well-formed, but refers to something unknown or breaks a rule',
  429: 'Rate limited; see Retry-After',
  503: 'A service this depends on is unavailable; try again shortly',
};

/** Problem+json answers with these statuses. */
export const ApiProblems = (...statuses: number[]) => problemResponses(statuses);

const problemResponses = (statuses: number[], text: Record<number, string> = {}) =>
  applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({ status, description: text[status] ?? PROBLEM_TEXT[status] ?? HttpStatus[status] ?? 'Error', content: { 'application/problem+json': { schema: PROBLEM_SCHEMA as never } } }),
    ),
  );

export interface ApiDocOptions {
  summary?: string;
  /** Path parameters, validated by this object schema. */
  params?: z.ZodType;
  /** Query parameters, validated by this object schema. */
  query?: z.ZodType;
  /** A JSON request body (or, with `contentTypes`, bodies of those types). */
  body?: z.ZodType;
  contentTypes?: string[];
  /** Request headers: name → whether required, and what it is. */
  headers?: Record<string, { required: boolean; description: string; schema?: JsonSchema }>;
  /** The success status, and the body it carries (none for 204 or when omitted). */
  status: number;
  response?: z.ZodType;
  responseDescription?: string;
  /** Other problem statuses the operation answers, beyond 400 for invalid input. */
  problems?: number[];
  /** What a problem status means for this operation, where the general text would not say it. */
  problemText?: Record<number, string>;
}

function parameters(where: 'path' | 'query', schema: z.ZodType): MethodDecorator[] {
  const { properties = {}, required = [] } = openApiSchema(schema, 'input');
  return Object.entries(properties).map(([name, s]) => {
    const { description, ...propertySchema } = s;
    const o = { name, required: where === 'path' || required.includes(name), schema: propertySchema as never, ...(description ? { description: String(description) } : {}) };
    return where === 'path' ? ApiParam(o) : ApiQuery(o);
  });
}

/**
 * Documents an operation from the zod schemas that validate it and the one that describes its
 * answer, so the OpenAPI document says what the service really accepts and returns. Any input
 * (params, query, body, headers) adds 400; path parameters add Fastify's 414 for an overlong one.
 */
export function ApiDoc(o: ApiDocOptions): MethodDecorator {
  const validated = o.params || o.query || o.body || Object.values(o.headers ?? {}).length;
  const problems = [...new Set([...(validated ? [400] : []), ...(o.params ? [414] : []), ...(o.problems ?? [])])].sort((a, b) => a - b);
  const decorators: (MethodDecorator | ClassDecorator)[] = [
    ...(o.params ? parameters('path', o.params) : []),
    ...(o.query ? parameters('query', o.query) : []),
    ...Object.entries(o.headers ?? {}).map(([name, h]) => ApiHeader({ name, required: h.required, description: h.description, schema: (h.schema ?? { type: 'string' }) as never })),
    ApiResponse({
      status: o.status,
      description: o.responseDescription ?? HttpStatus[o.status] ?? 'Success',
      ...(o.response ? { content: { 'application/json': { schema: openApiSchema(o.response, 'output') as never } } } : {}),
    }),
    problemResponses(problems, o.problemText),
  ];
  if (o.body) {
    const schema = openApiSchema(o.body, 'input') as never;
    decorators.push(ApiBody({ required: true, schema }));
    if (o.contentTypes) decorators.push(ApiConsumes(...o.contentTypes));
  }
  if (o.summary) decorators.push(ApiOperation({ summary: o.summary }));
  return applyDecorators(...decorators) as MethodDecorator;
}

/** Output building blocks for response schemas. */
export const wire = {
  /** An ISO 8601 instant as the services write it (`Date#toISOString()` or PostgreSQL's JSON text). */
  timestamp: () => z.string().meta({ format: 'date-time' }),
  date: () => z.string().meta({ format: 'date' }),
  /** A decimal number as a string (money, prices, quantities). */
  decimal: () => z.string().regex(/^-?\d+(\.\d+)?$/),
  uuid: () => z.string().meta({ format: 'uuid' }),
  /** `{ items, nextCursor }` of a paged list. */
  page: <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() }),
  /** `{ items }` of a list that is not paged. */
  list: <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) }),
};
