import type { OpenAPIObject } from '@nestjs/swagger';
import { mergeOpenApi } from './openapi-merge';

const doc = (paths: Record<string, unknown>, schemas: Record<string, unknown>): OpenAPIObject =>
  ({ openapi: '3.0.0', info: { title: 't', version: '1' }, paths, components: { schemas } }) as OpenAPIObject;

const op = (schema: string) => ({ responses: { 200: { description: 'ok', content: { 'application/json': { schema: { $ref: `#/components/schemas/${schema}` } } } } } });

describe('mergeOpenApi', () => {
  const auth = doc(
    { '/api/v1/auth/login': { post: op('Error') }, '/api/v1/auth/me': { get: op('Me') } },
    { Error: { type: 'object', properties: { code: { type: 'string' } } }, Me: { type: 'object', properties: { err: { $ref: '#/components/schemas/Error' } } }, Money: { type: 'string' } },
  );
  const trading = doc(
    { '/api/v1/orders': { get: op('Error') }, '/api/v1/auth/hijack': { get: op('Error') } },
    { Error: { properties: { message: { type: 'string' } }, type: 'object' }, Money: { type: 'string' } },
  );
  const merged = mergeOpenApi(
    [
      { service: 'auth', document: auth },
      { service: 'trading', document: trading },
    ],
    ['risk'],
  ) as OpenAPIObject & { 'x-unavailable-services': string[] };

  it('prefixes clashing components with the service name and rewrites references, nested ones included', () => {
    expect(Object.keys(merged.components!.schemas!).sort()).toEqual(['Me', 'Money', 'auth_Error', 'trading_Error']);
    expect(JSON.stringify(merged.paths['/api/v1/auth/login'])).toContain('#/components/schemas/auth_Error');
    expect(JSON.stringify(merged.paths['/api/v1/orders'])).toContain('#/components/schemas/trading_Error');
    expect(merged.components!.schemas!.Me).toEqual({ type: 'object', properties: { err: { $ref: '#/components/schemas/auth_Error' } } });
  });

  it("keeps only the paths the gateway routes to the service that documents them", () => {
    expect(Object.keys(merged.paths).sort()).toEqual(['/api/v1/auth/login', '/api/v1/auth/me', '/api/v1/orders']);
  });

  it('requires the bearer token except on the public routes', () => {
    expect(merged.security).toEqual([{ bearer: [] }]);
    expect(merged.paths['/api/v1/auth/login']!.post!.security).toEqual([]);
    expect(merged.paths['/api/v1/auth/me']!.get!.security).toBeUndefined();
    expect(merged['x-unavailable-services']).toEqual(['risk']);
  });

  it("documents what the gateway answers itself: 401 where a token is needed, 429 everywhere, 413 where a body goes", () => {
    const statuses = (path: string, method: 'get' | 'post') => Object.keys((merged.paths[path] as Record<string, { responses: object }>)[method]!.responses).sort();
    expect(statuses('/api/v1/auth/login', 'post')).toEqual(['200', '429']);
    expect(statuses('/api/v1/auth/me', 'get')).toEqual(['200', '401', '429']);
    const withBody = mergeOpenApi([{ service: 'trading', document: doc({ '/api/v1/orders': { post: { requestBody: { content: {} }, responses: { 202: { description: 'ok' } } } } }, {}) }], []);
    expect(Object.keys(withBody.paths['/api/v1/orders']!.post!.responses).sort()).toEqual(['202', '401', '413', '429']);
    expect(withBody.paths['/api/v1/orders']!.post!.responses[413]).toMatchObject({ content: { 'application/problem+json': { schema: { required: ['type', 'title', 'status', 'detail'] } } } });
  });
});
