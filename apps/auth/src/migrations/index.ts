import { deadLetterRedrivesMigration, messagingMigration, messagingResilienceMigration } from '@alphintra/platform-messaging';
import { CreateAuthTables } from './0002-auth-tables';
import { LoginFailureByAccountAndAddress } from './0003-login-failure-by-account-and-address';
import { SessionRevocation } from './0004-session-revocation';

/** In order; a migration once released is never edited, only followed. */
export const migrations = [
  messagingMigration('auth_data'),
  { name: '0002_auth_tables', class: CreateAuthTables },
  deadLetterRedrivesMigration('auth_data'),
  messagingResilienceMigration('auth_data'),
  { name: '0003_login_failure_by_account_and_address', class: LoginFailureByAccountAndAddress },
  { name: '0004_session_revocation', class: SessionRevocation },
];
