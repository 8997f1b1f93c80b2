import { messagingMigration } from '@alphintra/platform-messaging';
import { Trading } from './0002_trading';

/** In order; a migration once released is never edited, only followed. */
export const migrations = [messagingMigration('trading_data'), { name: '0002_trading', class: Trading }];
