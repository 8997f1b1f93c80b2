import { Controller, Get, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentUser, type Principal } from '@alphintra/platform-auth';
import { ApiDoc, PLATFORM, ZodPipe } from '@alphintra/platform-http';
import type { NotificationEnv } from '../env';
import { notificationParams, notificationsQuery, type NotificationsQuery } from './dto/notifications.dto';
import { notificationPageResponse } from './dto/notifications.responses';
import { NotificationStream } from './notification-stream';
import { NotificationsService } from './notifications.service';

@Controller('api/v1/notifications')
export class NotificationsController {
  constructor(
    private readonly notifications: NotificationsService,
    private readonly stream: NotificationStream,
    @Inject(PLATFORM) private readonly platform: { env: NotificationEnv },
  ) {}

  @Get()
  @ApiDoc({ query: notificationsQuery, status: 200, response: notificationPageResponse })
  list(@CurrentUser() user: Principal, @Query(new ZodPipe(notificationsQuery)) q: NotificationsQuery) {
    return this.notifications.list(user.userId, q);
  }

  @Post(':id/read')
  @HttpCode(204)
  @ApiDoc({ params: notificationParams, status: 204, problems: [404] })
  async read(@CurrentUser() user: Principal, @Param(new ZodPipe(notificationParams)) p: { id: string }): Promise<void> {
    await this.notifications.markRead(user.userId, p.id);
  }

  /**
   * Server-Sent Events: each new in-app notification of the caller as `event: notification`
   * with the notification JSON as data and its id as the event id; a comment line as heartbeat.
   */
  @Get('stream')
  @ApiResponse({ status: 200, description: 'An endless text/event-stream', content: { 'text/event-stream': { schema: { type: 'string' } } } })
  live(@CurrentUser() user: Principal, @Res() reply: FastifyReply): void {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(': connected\n\n');
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), this.platform.env.NOTIFICATION_SSE_HEARTBEAT_MS);
    const unsubscribe = this.stream.subscribe(
      user.userId,
      (n) => res.write(`id: ${n.id}\nevent: notification\ndata: ${JSON.stringify(n)}\n\n`),
      () => res.end(),
    );
    res.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
    });
  }
}
