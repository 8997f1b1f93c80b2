import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CurrentUser, type Principal } from '@alphintra/platform-auth';
import { ApiDoc, ZodPipe } from '@alphintra/platform-http';
import { idempotencyKey, orderBody, orderParams, ordersQuery, type OrderBody, type OrdersQuery } from './dto/orders.dto';
import { cancelAllResponse, orderPageResponse, orderResponse } from './dto/orders.responses';
import { MissingIdempotencyKeyError } from './orders.errors';
import { OrdersService } from './orders.service';

@Controller('api/v1/orders')
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  /** 202: risk decides asynchronously. A replay with the same key and body answers the same order. */
  @Post()
  @HttpCode(202)
  @ApiDoc({
    headers: { 'Idempotency-Key': { required: true, description: 'a key of the client’s choosing (a UUID, say); a retry with the same key and body answers the same order', schema: { type: 'string', pattern: '^[\\x21-\\x7e]{1,255}$' } } },
    body: orderBody,
    status: 202,
    response: orderResponse,
    problems: [409, 422],
  })
  place(@CurrentUser() user: Principal, @Headers('idempotency-key') key: string | undefined, @Body(new ZodPipe(orderBody)) body: OrderBody) {
    if (!idempotencyKey.safeParse(key).success) throw new MissingIdempotencyKeyError();
    return this.orders.place(user.userId, key!, body);
  }

  @Get()
  @ApiDoc({ query: ordersQuery, status: 200, response: orderPageResponse })
  list(@CurrentUser() user: Principal, @Query(new ZodPipe(ordersQuery)) q: OrdersQuery) {
    return this.orders.list(user.userId, q);
  }

  @Get(':id')
  @ApiDoc({ params: orderParams, status: 200, response: orderResponse, problems: [404] })
  get(@CurrentUser() user: Principal, @Param(new ZodPipe(orderParams)) p: { id: string }) {
    return this.orders.get(user.userId, p.id);
  }

  /** Asks to cancel every open order; 207 with what became of each. */
  @Delete()
  @HttpCode(207)
  @ApiDoc({ status: 207, response: cancelAllResponse })
  cancelAll(@CurrentUser() user: Principal) {
    return this.orders.cancelAll(user.userId);
  }

  @Delete(':id')
  @HttpCode(202)
  @ApiDoc({ params: orderParams, status: 202, response: orderResponse, problems: [404, 409] })
  cancel(@CurrentUser() user: Principal, @Param(new ZodPipe(orderParams)) p: { id: string }) {
    return this.orders.cancel(user.userId, p.id);
  }
}
