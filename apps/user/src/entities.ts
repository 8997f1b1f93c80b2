import { Preferences } from './profiles/preferences.entity';
import { Profile } from './profiles/profile.entity';
import { FilterRef } from './replicas/filter-ref.entity';
import { InstrumentRef } from './replicas/instrument-ref.entity';
import { Screener, ScreenerCategoricalFilter, ScreenerNumericFilter } from './screeners/screener.entity';
import { WatchlistItem } from './watchlists/watchlist-item.entity';
import { Watchlist } from './watchlists/watchlist.entity';

export const entities = [Profile, Preferences, InstrumentRef, FilterRef, Watchlist, WatchlistItem, Screener, ScreenerNumericFilter, ScreenerCategoricalFilter];
