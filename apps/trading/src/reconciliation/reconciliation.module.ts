import { Module } from '@nestjs/common';
import { ReconciliationConsumer } from './reconciliation.consumer';
import { ReconciliationService } from './reconciliation.service';

@Module({ providers: [ReconciliationService, ReconciliationConsumer] })
export class ReconciliationModule {}
