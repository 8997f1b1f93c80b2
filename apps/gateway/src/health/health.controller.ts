import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { PublicRoute } from '@alphintra/platform-http';
import { GATEWAY_ENV } from '../tokens';
import type { GatewayEnv } from '../env';

/** `/health`: every service's readiness in one answer; 503 while any is not ready. */
@ApiExcludeController()
@PublicRoute()
@Controller()
export class AggregateHealthController {
  constructor(@Inject(GATEWAY_ENV) private readonly env: GatewayEnv) {}

  @Get('health')
  async health(@Res() reply: FastifyReply) {
    const services = Object.fromEntries(
      await Promise.all(
        Object.entries(this.env.upstreams).map(async ([name, url]) => {
          try {
            const r = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(2000) });
            return [name, { status: r.ok ? 'up' : 'down', httpStatus: r.status }] as const;
          } catch (e) {
            return [name, { status: 'down', error: (e as Error).message }] as const;
          }
        }),
      ),
    );
    const up = Object.values(services).every((s) => (s as { status: string }).status === 'up');
    void reply.status(up ? 200 : 503).send({ status: up ? 'up' : 'down', services });
  }

  @Get('health/live')
  live() {
    return { status: 'up' };
  }

  @Get('health/ready')
  ready() {
    return { status: 'up' };
  }
}
