import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { ProblemDetailsFilter } from '@alphintra/platform-http';
import { CurrentUser, Public, Roles } from './auth.decorators';
import { AuthModule } from './auth.module';
import type { Principal } from './principal';
import { TestAuthServer } from './testing/test-auth-server';

@Controller('desk')
class DeskController {
  @Get('admin')
  @Roles('admin')
  admin(@CurrentUser() user: Principal) {
    return user;
  }

  @Get('any')
  any(@CurrentUser() user: Principal) {
    return user;
  }

  @Public()
  @Get('status')
  status() {
    return { status: 'open' };
  }
}

describe('AuthGuard and RolesGuard', () => {
  let auth: TestAuthServer;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    auth = await TestAuthServer.start();
    @Module({ imports: [AuthModule.forRoot({ jwksUrl: auth.url, issuer: 'alphintra-auth', audience: 'alphintra' })], controllers: [DeskController] })
    class DeskModule {}
    app = await NestFactory.create<NestFastifyApplication>(DeskModule, new FastifyAdapter(), { logger: false });
    app.useGlobalFilters(new ProblemDetailsFilter());
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(async () => {
    await app.close();
    await auth.close();
  });

  const get = (url: string, token?: string) => app.inject({ method: 'GET', url, headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('answers 401 problem+json without a token', async () => {
    const res = await get('/desk/any');
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(res.json()).toMatchObject({ status: 401, code: 'AUTH.INVALID_TOKEN', instance: '/desk/any' });
  });

  it('answers 401 for an invalid token, before any role check', async () => {
    const res = await get('/desk/admin', auth.token({ roles: ['admin'], iss: 'elsewhere' }));
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'AUTH.INVALID_TOKEN', detail: 'token issuer is not accepted' });
  });

  it('answers 403 when the caller lacks the role', async () => {
    const res = await get('/desk/admin', auth.token({ roles: ['trader'] }));
    expect(res.statusCode).toBe(403);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ status: 403, code: 'AUTH.FORBIDDEN' });
  });

  it('lets an admin through and hands the handler the principal', async () => {
    const res = await get('/desk/admin', auth.token({ sub: 'admin-7', roles: ['admin'], jti: 'j-7' }));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ userId: 'admin-7', roles: ['admin'], tokenId: 'j-7', issuedAt: expect.any(Number) });
  });

  it('lets any authenticated caller reach a route without @Roles', async () => {
    const res = await get('/desk/any', auth.token({ roles: [] }));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ userId: 'user-1', roles: [] });
  });

  it('serves a @Public route without a token', async () => {
    const res = await get('/desk/status');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'open' });
  });
});
