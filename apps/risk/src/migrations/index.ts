import { deadLetterRedrivesMigration, messagingMigration, messagingResilienceMigration } from '@alphintra/platform-messaging';
import { Risk } from './0002_risk';
import { OrderSides } from './0003_order_sides';
import { AccountStates } from './0004_account_states';

/** In order; a migration once released is never edited, only followed. */
export const migrations = [
  messagingMigration('risk_data'),
  { name: '0002_risk', class: Risk },
  deadLetterRedrivesMigration('risk_data'),
  { name: '0003_order_sides', class: OrderSides },
  messagingResilienceMigration('risk_data'),
  { name: '0004_account_states', class: AccountStates },
];
