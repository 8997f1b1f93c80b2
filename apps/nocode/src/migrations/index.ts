import { deadLetterRedrivesMigration, messagingMigration, messagingResilienceMigration } from '@alphintra/platform-messaging';
import { Workflows } from './0002_workflows';
import { Templates } from './0003_templates';

/** In order; a migration once released is never edited, only followed. */
export const migrations = [messagingMigration('nocode_data'), { name: '0002_workflows', class: Workflows }, { name: '0003_templates', class: Templates }, deadLetterRedrivesMigration('nocode_data'), messagingResilienceMigration('nocode_data')];
