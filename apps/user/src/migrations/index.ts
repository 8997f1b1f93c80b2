import { deadLetterRedrivesMigration, messagingMigration, messagingResilienceMigration } from '@alphintra/platform-messaging';
import { Profiles } from './0002_profiles';
import { Replicas } from './0003_replicas';
import { Watchlists } from './0004_watchlists';
import { Screeners } from './0005_screeners';
import { ReplicaTombstones } from './0006_replica_tombstones';

/** In order; a migration once released is never edited, only followed. */
export const migrations = [
  messagingMigration('user_data'),
  { name: '0002_profiles', class: Profiles },
  { name: '0003_replicas', class: Replicas },
  { name: '0004_watchlists', class: Watchlists },
  { name: '0005_screeners', class: Screeners },
  deadLetterRedrivesMigration('user_data'),
  messagingResilienceMigration('user_data'),
  { name: '0006_replica_tombstones', class: ReplicaTombstones },
];
