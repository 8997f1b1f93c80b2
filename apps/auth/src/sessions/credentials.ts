import { randomBytes } from 'node:crypto';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { hashPassword } from '../passwords/password-hash';
import { PasswordHashing } from '../passwords/password-hashing';

/** Checks a password against an account's hash, or against a dummy hash when there is no account, so both take as long. */
@Injectable()
export class Credentials implements OnModuleInit {
  private dummyHash?: Promise<string>;

  constructor(private readonly hashing: PasswordHashing) {}

  /** Made at start-up, so even the first unknown e-mail takes no longer than a known one. */
  onModuleInit(): void {
    void this.dummy();
  }

  /** Through the hashing limit: throws PasswordHashingBusyError when it is reached. */
  async verify(password: string, storedHash: string | undefined): Promise<boolean> {
    const matches = await this.hashing.verify(password, storedHash ?? (await this.dummy()));
    return storedHash !== undefined && matches;
  }

  /** Once, at start-up, before any request: outside the hashing limit. */
  private dummy(): Promise<string> {
    return (this.dummyHash ??= hashPassword(randomBytes(24).toString('base64url')));
  }
}
