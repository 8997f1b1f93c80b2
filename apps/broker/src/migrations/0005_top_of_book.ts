import { Migration } from '@mikro-orm/migrations';

/**
 * The top of the book that came with the last price (null: the price came alone, from a daily bar
 * or an import). The paper venue fills on it (ADR 0035).
 */
export class TopOfBook extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "broker_data"."last_price"
      add column "bid" numeric(38, 8) null check ("bid" > 0),
      add column "bid_size" numeric(38, 0) null check ("bid_size" >= 0),
      add column "ask" numeric(38, 8) null check ("ask" > 0),
      add column "ask_size" numeric(38, 0) null check ("ask_size" >= 0),
      add constraint "last_price_book_whole" check (("bid" is null) = ("ask" is null) and ("bid" is null) = ("bid_size" is null) and ("ask" is null) = ("ask_size" is null))`);
  }
}
