import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager, UniqueConstraintViolationException } from '@mikro-orm/postgresql';
import { UserRegistered, type Role } from '@alphintra/contracts';
import { OutboxPublisher } from '@alphintra/platform-messaging';
import { AuditTrail } from '../audit/audit-trail';
import { PasswordHashing } from '../passwords/password-hashing';
import { EmailTakenError } from './accounts.errors';
import type { RegisterBody, RegisteredUser } from './dto/register.dto';
import { UserAccount } from './user-account.entity';

export interface RegistrationContext {
  ip?: string | null;
  roles?: Role[];
  bootstrap?: boolean;
}

/** A new account and its auth.user.registered event, in one transaction. */
@Injectable()
export class RegistrationService {
  constructor(
    private readonly em: EntityManager,
    private readonly outbox: OutboxPublisher,
    private readonly audit: AuditTrail,
    private readonly hashing: PasswordHashing,
  ) {}

  async register(input: RegisterBody, ctx: RegistrationContext = {}): Promise<RegisteredUser> {
    if (await this.em.count(UserAccount, { email: input.email })) throw new EmailTakenError();
    const passwordHash = await this.hashing.hash(input.password); // PasswordHashingBusyError (503) at the limit
    const roles = ctx.roles ?? ['trader'];
    const now = new Date();
    const user = { id: randomUUID(), email: input.email, displayName: input.displayName ?? null, roles };
    try {
      await this.em.transactional(async (em) => {
        em.create(UserAccount, { ...user, passwordHash, createdAt: now, updatedAt: now });
        await em.flush();
        await this.outbox.record(em, UserRegistered, user.id, { userId: user.id, email: user.email, displayName: user.displayName, roles, registeredAt: now.toISOString() });
        await this.audit.record(em, { action: 'user.registered', actorId: user.id, subjectId: user.id, ip: ctx.ip, detail: { email: user.email, roles, bootstrap: ctx.bootstrap ?? false } });
      });
    } catch (e) {
      if (e instanceof UniqueConstraintViolationException) throw new EmailTakenError();
      throw e;
    }
    return { userId: user.id, email: user.email };
  }
}
