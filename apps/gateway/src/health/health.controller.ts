import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { PublicRoute } from '@alphintra/platform-http';
import { GATEWAY_ENV } from '../tokens';
import type { GatewayEnv } from '../env';

interface ServiceHealth {
  status: 'up' | 'degraded' | 'down';
  httpStatus?: number;
  /** What the service says of its Kafka cluster; readiness does not depend on it. */
  kafka?: string;
  error?: string;
}

async function readinessOf(url: string): Promise<ServiceHealth> {
  try {
    const r = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(2000) });
    const body = (await r.json().catch(() => ({}))) as { status?: string; checks?: { kafka?: { status?: string } } };
    const status = !r.ok ? 'down' : body.status === 'degraded' ? 'degraded' : 'up';
    return { status, httpStatus: r.status, kafka: body.checks?.kafka?.status };
  } catch (e) {
    return { status: 'down', error: (e as Error).message };
  }
}

/**
 * `/health`: every service's readiness in one answer; 503 while any is not ready, 200 with
 * status `degraded` while all are ready but some report a dependency they can do without
 * (Kafka) as down.
 */
@ApiExcludeController()
@PublicRoute()
@Controller()
export class AggregateHealthController {
  constructor(@Inject(GATEWAY_ENV) private readonly env: GatewayEnv) {}

  @Get('health')
  async health(@Res() reply: FastifyReply) {
    const services = Object.fromEntries(await Promise.all(Object.entries(this.env.upstreams).map(async ([name, url]) => [name, await readinessOf(url)] as const)));
    const all = Object.values(services);
    const status = all.some((s) => s.status === 'down') ? 'down' : all.some((s) => s.status === 'degraded') ? 'degraded' : 'up';
    void reply.status(status === 'down' ? 503 : 200).send({ status, services });
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
