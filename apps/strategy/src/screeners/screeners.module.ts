import { Module } from '@nestjs/common';
import { FilterAnnouncer } from './filter.announcer';
import { ScreenersController } from './screeners.controller';
import { ScreensService } from './screens.service';

@Module({ controllers: [ScreenersController], providers: [ScreensService, FilterAnnouncer] })
export class ScreenersModule {}
