import { Module } from '@nestjs/common';
import { OrderLifecycle } from './order-lifecycle';
import { OrderPipelineMetrics } from './order-pipeline.metrics';
import { OrdersConsumer } from './orders.consumer';
import { OrdersController } from './orders.controller';
import { OrdersService } from './orders.service';
import { SagaService } from './saga.service';

@Module({ controllers: [OrdersController], providers: [OrdersService, OrderLifecycle, OrderPipelineMetrics, SagaService, OrdersConsumer], exports: [SagaService] })
export class OrdersModule {}
