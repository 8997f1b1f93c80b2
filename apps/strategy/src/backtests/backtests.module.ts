import { Module } from '@nestjs/common';
import { NocodeModule } from '../nocode/nocode.module';
import { BacktestWorker } from './backtest.worker';
import { BacktestsController } from './backtests.controller';
import { BacktestsService } from './backtests.service';

@Module({ imports: [NocodeModule], controllers: [BacktestsController], providers: [BacktestsService, BacktestWorker], exports: [BacktestWorker] })
export class BacktestsModule {}
