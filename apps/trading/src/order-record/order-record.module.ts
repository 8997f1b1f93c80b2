import { Global, Module } from '@nestjs/common';
import { OrderRecordController } from './order-record.controller';
import { OrderRecordService } from './order-record.service';

@Global()
@Module({ controllers: [OrderRecordController], providers: [OrderRecordService], exports: [OrderRecordService] })
export class OrderRecordModule {}
