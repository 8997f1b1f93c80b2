import { Controller, Get, Query } from '@nestjs/common';
import { ApiDoc, ZodPipe } from '@alphintra/platform-http';
import { calendarQuery, type CalendarQuery } from './dto/calendar.dto';
import { calendarResponse, clockResponse } from './dto/calendar.responses';
import { MarketCalendar } from './market-calendar.service';

@Controller('api/v1/market')
export class CalendarController {
  constructor(private readonly market: MarketCalendar) {}

  /** Whether XNYS is open now, and its next open and close. 422 outside the years the calendar covers. */
  @Get('clock')
  @ApiDoc({ status: 200, response: clockResponse, problems: [422] })
  clock() {
    return this.market.clock();
  }

  /** XNYS sessions of the exchange dates from..to (at most a year), in exchange time and UTC. */
  @Get('calendar')
  @ApiDoc({ query: calendarQuery, status: 200, response: calendarResponse, problems: [422] })
  calendar(@Query(new ZodPipe(calendarQuery)) q: CalendarQuery) {
    return this.market.calendar(q);
  }
}
