import { Module } from '@nestjs/common';
import { OrdersModule } from '../orders/orders.module';
import { InstrumentReplica } from './instrument-replica';
import { InstrumentsConsumer } from './instruments.consumer';

@Module({ imports: [OrdersModule], providers: [InstrumentReplica, InstrumentsConsumer] })
export class InstrumentsModule {}
