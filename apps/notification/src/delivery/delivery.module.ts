import { Module } from '@nestjs/common';
import { DeliveriesController } from './deliveries.controller';
import { DeliveryWorker } from './delivery.worker';

@Module({ controllers: [DeliveriesController], providers: [DeliveryWorker] })
export class DeliveryModule {}
