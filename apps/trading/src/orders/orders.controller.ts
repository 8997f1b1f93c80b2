import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CurrentUser, type Principal } from '@alphintra/platform-auth';
import { ZodPipe } from '@alphintra/platform-http';
import { idempotencyKey, orderBody, orderParams, ordersQuery, type OrderBody, type OrdersQuery } from './dto/orders.dto';
import { MissingIdempotencyKeyError } from './orders.errors';
import { OrdersService } from './orders.service';

@Controller('api/v1/orders')
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  /** 202: risk decides asynchronously. A replay with the same key and body answers the same order. */
  @Post()
  @HttpCode(202)
  place(@CurrentUser() user: Principal, @Headers('idempotency-key') key: string | undefined, @Body(new ZodPipe(orderBody)) body: OrderBody) {
    if (!idempotencyKey.safeParse(key).success) throw new MissingIdempotencyKeyError();
    return this.orders.place(user.userId, key!, body);
  }

  @Get()
  list(@CurrentUser() user: Principal, @Query(new ZodPipe(ordersQuery)) q: OrdersQuery) {
    return this.orders.list(user.userId, q);
  }

  @Get(':id')
  get(@CurrentUser() user: Principal, @Param(new ZodPipe(orderParams)) p: { id: string }) {
    return this.orders.get(user.userId, p.id);
  }

  @Delete(':id')
  @HttpCode(202)
  cancel(@CurrentUser() user: Principal, @Param(new ZodPipe(orderParams)) p: { id: string }) {
    return this.orders.cancel(user.userId, p.id);
  }
}
