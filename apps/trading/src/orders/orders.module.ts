import { Module } from '@nestjs/common';
import { LedgerModule } from '../ledger/ledger.module';
import { AccountStateService } from './account-state.service';
import { ExpiryService } from './expiry.service';
import { OrderLifecycle } from './order-lifecycle';
import { OrderPipelineMetrics } from './order-pipeline.metrics';
import { OrdersConsumer } from './orders.consumer';
import { OrdersController } from './orders.controller';
import { OrdersService } from './orders.service';
import { SagaService } from './saga.service';

@Module({
  imports: [LedgerModule],
  controllers: [OrdersController],
  providers: [OrdersService, OrderLifecycle, OrderPipelineMetrics, SagaService, OrdersConsumer, ExpiryService, AccountStateService],
  exports: [SagaService, OrdersService],
})
export class OrdersModule {}
