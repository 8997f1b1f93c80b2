import { Migration } from '@mikro-orm/migrations';
import { messagingTablesSql } from './messaging.sql';

/** A service's first migration: its outbox and inbox, in its own schema. */
export function messagingMigration(schema: string): { name: string; class: new (...args: never[]) => Migration } {
  class CreateOutboxAndInbox extends Migration {
    override async up(): Promise<void> {
      for (const sql of messagingTablesSql(schema)) this.addSql(sql);
    }
  }
  return { name: '0001_outbox_inbox', class: CreateOutboxAndInbox };
}
