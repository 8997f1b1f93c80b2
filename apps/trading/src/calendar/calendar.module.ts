import { Module } from '@nestjs/common';
import { CalendarController } from './calendar.controller';
import { MarketCalendar } from './market-calendar.service';

@Module({ controllers: [CalendarController], providers: [MarketCalendar], exports: [MarketCalendar] })
export class CalendarModule {}
