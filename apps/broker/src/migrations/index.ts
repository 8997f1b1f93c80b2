import { deadLetterRedrivesMigration, messagingMigration, messagingResilienceMigration } from '@alphintra/platform-messaging';
import { Broker } from './0002_broker';
import { Reconciliation } from './0003_reconciliation';
import { WorstPrice } from './0004_worst_price';
import { TopOfBook } from './0005_top_of_book';
import { StopOrders } from './0006_stop_orders';

/** In order; a migration once released is never edited, only followed. */
export const migrations = [
  messagingMigration('broker_data'),
  { name: '0002_broker', class: Broker },
  deadLetterRedrivesMigration('broker_data'),
  { name: '0003_reconciliation', class: Reconciliation },
  { name: '0004_worst_price', class: WorstPrice },
  messagingResilienceMigration('broker_data'),
  { name: '0005_top_of_book', class: TopOfBook },
  { name: '0006_stop_orders', class: StopOrders },
];
