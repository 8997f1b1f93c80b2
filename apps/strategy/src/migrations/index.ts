import { deadLetterRedrivesMigration, messagingMigration, messagingResilienceMigration } from '@alphintra/platform-messaging';
import { MarketData } from './0002_market_data';
import { FiltersAndScreeners } from './0003_filters_and_screeners';
import { StrategiesAndBacktests } from './0004_strategies_and_backtests';
import { BacktestExecutionUnique } from './0005_backtest_execution_unique';
import { IntradayBarsAndMarketFeed } from './0006_intraday_bars_and_market_feed';
import { MarketImportsAndAlpaca } from './0007_market_imports_and_alpaca';

/** In order; a migration once released is never edited, only followed. */
export const migrations = [
  messagingMigration('strategy_data'),
  { name: '0002_market_data', class: MarketData },
  { name: '0003_filters_and_screeners', class: FiltersAndScreeners },
  { name: '0004_strategies_and_backtests', class: StrategiesAndBacktests },
  deadLetterRedrivesMigration('strategy_data'),
  { name: '0005_backtest_execution_unique', class: BacktestExecutionUnique },
  messagingResilienceMigration('strategy_data'),
  { name: '0006_intraday_bars_and_market_feed', class: IntradayBarsAndMarketFeed },
  { name: '0007_market_imports_and_alpaca', class: MarketImportsAndAlpaca },
];
