import { Migration } from '@mikro-orm/migrations';

/** Login failures are limited per account and address (the "ip" column holds an IPv4 address or an IPv6 /64). */
export class LoginFailureByAccountAndAddress extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index "login_failure_email_ip_idx" on "auth_data"."login_failure" ("email", "ip", "failed_at")`);
  }
}
