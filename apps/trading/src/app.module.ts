import { Module } from '@nestjs/common';
import type { ServiceSpec } from '@alphintra/platform-http';
import { AuthModule } from '@alphintra/platform-auth';
import { CalendarModule } from './calendar/calendar.module';
import { EquityModule } from './equity/equity.module';
import { InstrumentsConsumer } from './instruments/instruments.consumer';
import { InstrumentsModule } from './instruments/instruments.module';
import { migrations } from './migrations';
import { OrderRecordModule } from './order-record/order-record.module';
import { OrdersConsumer } from './orders/orders.consumer';
import { OrdersModule } from './orders/orders.module';
import { PortfolioModule } from './portfolio/portfolio.module';
import { ReconciliationConsumer } from './reconciliation/reconciliation.consumer';
import { ReconciliationModule } from './reconciliation/reconciliation.module';

/** Tables are reached with SQL (NUMERIC as strings, row locks); there are no ORM entities. */
export const spec: ServiceSpec = { service: 'trading', entities: [], migrations, consumers: [InstrumentsConsumer, OrdersConsumer, ReconciliationConsumer] };

@Module({ imports: [AuthModule.fromServiceEnv(), OrderRecordModule, InstrumentsModule, OrdersModule, PortfolioModule, ReconciliationModule, CalendarModule, EquityModule] })
export class AppModule {}
