import { Module } from '@nestjs/common';
import { StrategiesConsumer } from './strategies.consumer';
import { StrategiesController } from './strategies.controller';
import { StrategiesService } from './strategies.service';

@Module({ controllers: [StrategiesController], providers: [StrategiesService, StrategiesConsumer], exports: [StrategiesService] })
export class StrategiesModule {}
