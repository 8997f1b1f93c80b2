import { Controller, Get, Query } from '@nestjs/common';
import { CurrentUser, type Principal } from '@alphintra/platform-auth';
import { ApiDoc, ZodPipe } from '@alphintra/platform-http';
import { venueOrdersQuery, type VenueOrdersQuery } from './dto/venue-orders.dto';
import { venueOrderListResponse } from './dto/venue-orders.responses';
import { ExecutionService } from './execution.service';

/** Internal read: the venue's view of an order (its venue order and executions). */
@Controller('api/v1/broker/venue-orders')
export class VenueOrdersController {
  constructor(private readonly executions: ExecutionService) {}

  @Get()
  @ApiDoc({ query: venueOrdersQuery, status: 200, response: venueOrderListResponse })
  list(@CurrentUser() user: Principal, @Query(new ZodPipe(venueOrdersQuery)) q: VenueOrdersQuery) {
    return this.executions.venueOrders(q.orderId, user.userId, user.roles.includes('admin'));
  }
}
