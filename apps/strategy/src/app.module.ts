import { Module } from '@nestjs/common';
import type { ServiceSpec } from '@alphintra/platform-http';
import { AuthModule } from '@alphintra/platform-auth';
import { BacktestsModule } from './backtests/backtests.module';
import { BarsModule } from './bars/bars.module';
import { BlacklistEntry } from './blacklist/blacklist-entry.entity';
import { BlacklistModule } from './blacklist/blacklist.module';
import { InstrumentsModule } from './instruments/instruments.module';
import { Stock } from './instruments/stock.entity';
import { ImportsModule } from './market/imports.module';
import { MarketModule } from './market/market.module';
import { migrations } from './migrations';
import { CategoricalFilter, NumericFilter } from './screeners/filter.entity';
import { ScreenersModule } from './screeners/screeners.module';
import { StrategiesConsumer } from './strategies/strategies.consumer';
import { StrategiesModule } from './strategies/strategies.module';

/** Market data (instruments, bars, blacklist, screeners); strategies and backtests join as sibling features. */
export const entities = [Stock, BlacklistEntry, NumericFilter, CategoricalFilter];

export const spec: ServiceSpec = { service: 'strategy', entities, migrations, consumers: [StrategiesConsumer] };

@Module({ imports: [AuthModule.fromServiceEnv(), InstrumentsModule, BarsModule, BlacklistModule, ScreenersModule, StrategiesModule, BacktestsModule, MarketModule, ImportsModule] })
export class AppModule {}
