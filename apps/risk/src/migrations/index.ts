import { deadLetterRedrivesMigration, messagingMigration } from '@alphintra/platform-messaging';
import { Risk } from './0002_risk';

/** In order; a migration once released is never edited, only followed. */
export const migrations = [messagingMigration('risk_data'), { name: '0002_risk', class: Risk }, deadLetterRedrivesMigration('risk_data')];
