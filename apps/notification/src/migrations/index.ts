import { deadLetterRedrivesMigration, messagingMigration, messagingResilienceMigration } from '@alphintra/platform-messaging';
import { Notification } from './0002_notification';

/** In order; a migration once released is never edited, only followed. */
export const migrations = [messagingMigration('notification_data'), { name: '0002_notification', class: Notification }, deadLetterRedrivesMigration('notification_data'), messagingResilienceMigration('notification_data')];
