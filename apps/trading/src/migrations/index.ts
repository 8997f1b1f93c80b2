import { deadLetterRedrivesMigration, messagingMigration, messagingResilienceMigration } from '@alphintra/platform-messaging';
import { Trading } from './0002_trading';
import { Reconciliation } from './0003_reconciliation';
import { Ledger } from './0004_ledger';
import { AccountState } from './0005_account_state';
import { OrderRecord } from './0006_order_record';
import { OrderTypes } from './0007_order_types';
import { EquityHistory } from './0008_equity_history';

/** In order; a migration once released is never edited, only followed. */
export const migrations = [
  messagingMigration('trading_data'),
  { name: '0002_trading', class: Trading },
  deadLetterRedrivesMigration('trading_data'),
  { name: '0003_reconciliation', class: Reconciliation },
  { name: '0004_ledger', class: Ledger },
  messagingResilienceMigration('trading_data'),
  { name: '0005_account_state', class: AccountState },
  { name: '0006_order_record', class: OrderRecord },
  { name: '0007_order_types', class: OrderTypes },
  { name: '0008_equity_history', class: EquityHistory },
];
