import { deadLetterRedrivesMigration, messagingMigration, messagingResilienceMigration } from '@alphintra/platform-messaging';
import { CreateAuthTables } from './0002-auth-tables';

/** In order; a migration once released is never edited, only followed. */
export const migrations = [messagingMigration('auth_data'), { name: '0002_auth_tables', class: CreateAuthTables }, deadLetterRedrivesMigration('auth_data'), messagingResilienceMigration('auth_data')];
