import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { PublicRoute } from './public-route';
import type { FastifyReply } from 'fastify';

export interface HealthCheck {
  name: string;
  /** What the pod cannot serve without (its database). A check with `required: false` is reported, never makes the pod not ready. */
  required?: boolean;
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

  /** 200 while every required check passes (status `degraded` when an optional one fails), else 503. */
  @Get('ready')
  async ready(@Res() reply: FastifyReply) {
    const results = await Promise.all(
      this.checks.map(async (c) => {
        try {
          await withTimeout(c.check(), 2000);
          return [c, { status: 'up', required: c.required !== false }] as const;
        } catch (e) {
          return [c, { status: 'down', required: c.required !== false, error: (e as Error).message }] as const;
        }
      }),
    );
    const ready = results.every(([, r]) => r.status === 'up' || !r.required);
    const status = !ready ? 'down' : results.every(([, r]) => r.status === 'up') ? 'up' : 'degraded';
    void reply.status(ready ? 200 : 503).send({ status, checks: Object.fromEntries(results.map(([c, r]) => [c.name, r])) });
  }
}
