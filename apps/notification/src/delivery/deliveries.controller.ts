import { Controller, Get, Query } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { CurrentUser, type Principal } from '@alphintra/platform-auth';
import { query } from '@alphintra/platform-database';
import { ApiDoc, pageQuery, ZodPipe, type PageQuery } from '@alphintra/platform-http';
import { deliveryPageResponse } from '../notifications/dto/notifications.responses';

const deliveriesQuery = pageQuery.strict();

interface DeliveryRow {
  id: string;
  notificationId: string;
  channel: 'email' | 'webhook';
  status: 'pending' | 'sent' | 'failed';
  attempts: number;
  lastError: string | null;
  at: string;
  nextAttemptAt: string | null;
  log: { attempt: number; at: string; ok: boolean; error: string | null }[];
}

@Controller('api/v1/notifications/deliveries')
export class DeliveriesController {
  constructor(private readonly em: EntityManager) {}

  /**
   * The caller's delivery log, newest first: each delivery's state (`at` is its last change)
   * and every attempt in order.
   */
  @Get()
  @ApiDoc({ query: deliveriesQuery, status: 200, response: deliveryPageResponse })
  async list(@CurrentUser() user: Principal, @Query(new ZodPipe(deliveriesQuery)) q: PageQuery) {
    const rows = await query<DeliveryRow>(
      this.em,
      `select d."id", d."notification_id" as "notificationId", d."channel", d."status", d."attempts", d."last_error" as "lastError",
              to_json(d."updated_at")#>>'{}' as "at",
              case when d."status" = 'pending' then to_json(d."next_attempt_at")#>>'{}' end as "nextAttemptAt",
              coalesce((select json_agg(json_build_object('attempt', a."attempt", 'at', to_json(a."at")#>>'{}', 'ok', a."ok", 'error', a."error") order by a."attempt")
                        from "notification_data"."delivery_attempt" a where a."delivery_id" = d."id"), '[]'::json) as "log"
       from "notification_data"."delivery" d
       where d."user_id" = $1 and ($2::uuid is null or d."id" < $2::uuid)
       order by d."id" desc limit $3`,
      [user.userId, q.cursor ?? null, q.limit + 1],
    );
    const items = rows.slice(0, q.limit);
    return { items, nextCursor: rows.length > q.limit ? items[items.length - 1]!.id : null };
  }
}
