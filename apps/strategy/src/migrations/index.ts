import { messagingMigration } from '@alphintra/platform-messaging';

/** In order; a migration once released is never edited, only followed. */
export const migrations = [messagingMigration('strategy_data')];
