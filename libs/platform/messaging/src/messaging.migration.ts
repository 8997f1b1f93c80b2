import { Migration } from '@mikro-orm/migrations';
import { deadLetterRedrivesSql, messagingTablesSql, resilienceSql } from './messaging.sql';

type NamedMigration = { name: string; class: new (...args: never[]) => Migration };

const migrationOf = (name: string, sql: string[]): NamedMigration => {
  class MessagingMigration extends Migration {
    override async up(): Promise<void> {
      for (const statement of sql) this.addSql(statement);
    }
  }
  return { name, class: MessagingMigration };
};

/** A service's first migration: its outbox and inbox, in its own schema. */
export const messagingMigration = (schema: string): NamedMigration => migrationOf('0001_outbox_inbox', messagingTablesSql(schema));

/** The record of redriven dead letters; each service lists it after its own migrations of the time. */
export const deadLetterRedrivesMigration = (schema: string): NamedMigration => migrationOf('messaging_0002_dead_letter_redrives', deadLetterRedrivesSql(schema));

/** Attempt records of consumers, the relay's dead letters, inbox retention (ADR 0015); listed after a service's migrations of the time. */
export const messagingResilienceMigration = (schema: string): NamedMigration => migrationOf('messaging_0003_resilience', resilienceSql(schema));
