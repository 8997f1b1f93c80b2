import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { PublicRoute } from './public-route';
import type { FastifyReply } from 'fastify';

export interface HealthCheck {
  name: string;
  check(): Promise<void>;
}

export const HEALTH_CHECKS = Symbol('HEALTH_CHECKS');

const withTimeout = <T>(p: Promise<T>, ms: number): Promise<T> =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms).unref())]);

@ApiExcludeController()
@PublicRoute()
@Controller('health')
export class HealthController {
  constructor(@Inject(HEALTH_CHECKS) private readonly checks: HealthCheck[]) {}

  @Get('live')
  live() {
    return { status: 'up' };
  }

  @Get('ready')
  async ready(@Res() reply: FastifyReply) {
    const results = await Promise.all(
      this.checks.map(async (c) => {
        try {
          await withTimeout(c.check(), 2000);
          return [c.name, { status: 'up' }] as const;
        } catch (e) {
          return [c.name, { status: 'down', error: (e as Error).message }] as const;
        }
      }),
    );
    const up = results.every(([, r]) => r.status === 'up');
    void reply.status(up ? 200 : 503).send({ status: up ? 'up' : 'down', checks: Object.fromEntries(results) });
  }
}
