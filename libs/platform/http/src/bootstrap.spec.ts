import { Controller, Get, Module, Param } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createHttpApp } from './bootstrap';
import { createLogger } from './logger';

@Controller('things')
class ThingsController {
  @Get(':id')
  get(@Param('id') id: string) {
    return { id };
  }
}

@Module({ controllers: [ThingsController] })
class ThingsModule {}

describe('the HTTP app', () => {
  let app: NestFastifyApplication;
  const get = (url: string) => app.getHttpAdapter().getInstance().inject({ method: 'GET', url });

  beforeAll(async () => {
    app = await createHttpApp(ThingsModule, { name: 'test', host: '127.0.0.1', port: 0, logger: createLogger('test', 'silent') });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(() => app?.close());

  it('answers what the router refuses as problem+json too: 414 for an overlong path parameter (fuzzing found plain JSON)', async () => {
    const r = await get(`/things/${'x'.repeat(101)}`);
    expect(r.statusCode).toBe(414);
    expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(r.json()).toMatchObject({ status: 414, code: 'FST_ERR_MAX_PARAM_LENGTH', detail: 'A path parameter is longer than 100 characters.' });
    expect((await get(`/things/${'x'.repeat(100)}`)).statusCode).toBe(200);
  });
});
