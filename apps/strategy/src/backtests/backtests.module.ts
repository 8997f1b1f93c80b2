import { Module } from '@nestjs/common';
import { BacktestWorker } from './backtest.worker';
import { BacktestsController } from './backtests.controller';
import { BacktestsService } from './backtests.service';

@Module({ controllers: [BacktestsController], providers: [BacktestsService, BacktestWorker], exports: [BacktestWorker] })
export class BacktestsModule {}
