import { Module } from '@nestjs/common';
import { StrategyModule } from '../strategy/strategy.module';
import { ScreenersController } from './screeners.controller';
import { ScreenersService } from './screeners.service';

@Module({ imports: [StrategyModule], controllers: [ScreenersController], providers: [ScreenersService] })
export class ScreenersModule {}
