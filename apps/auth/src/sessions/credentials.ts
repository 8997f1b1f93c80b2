import { randomBytes } from 'node:crypto';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { hashPassword, verifyPassword } from '../passwords/password-hash';

/** Checks a password against an account's hash, or against a dummy hash when there is no account, so both take as long. */
@Injectable()
export class Credentials implements OnModuleInit {
  private dummyHash?: Promise<string>;

  /** Made at start-up, so even the first unknown e-mail takes no longer than a known one. */
  onModuleInit(): void {
    void this.dummy();
  }

  async verify(password: string, storedHash: string | undefined): Promise<boolean> {
    const matches = await verifyPassword(password, storedHash ?? (await this.dummy()));
    return storedHash !== undefined && matches;
  }

  private dummy(): Promise<string> {
    return (this.dummyHash ??= hashPassword(randomBytes(24).toString('base64url')));
  }
}
