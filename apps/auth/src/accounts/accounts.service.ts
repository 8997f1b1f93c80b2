import { Injectable } from '@nestjs/common';
import { EntityManager, LockMode } from '@mikro-orm/postgresql';
import { UserRolesChanged } from '@alphintra/contracts';
import { OutboxPublisher } from '@alphintra/platform-messaging';
import { AuditTrail } from '../audit/audit-trail';
import { RefreshTokenFamily } from '../sessions/refresh-token.entity';
import { RevokedSessions } from '../sessions/revoked-sessions';
import { UserNotFoundError } from './accounts.errors';
import type { Me, RolesBody, UserRoles } from './dto/roles.dto';
import { UserAccount } from './user-account.entity';

@Injectable()
export class AccountsService {
  constructor(
    private readonly em: EntityManager,
    private readonly outbox: OutboxPublisher,
    private readonly audit: AuditTrail,
    private readonly revoked: RevokedSessions,
  ) {}

  async me(userId: string): Promise<Me> {
    const user = await this.em.findOne(UserAccount, { id: userId });
    if (!user) throw new UserNotFoundError();
    return { userId: user.id, email: user.email, roles: user.roles };
  }

  /**
   * Replaces a user's roles (an admin's act) and announces it with auth.user.roles-changed. The
   * access tokens out carry the old roles: their sessions' tokens so far are revoked, and the
   * next refresh brings tokens with the new roles (the logins themselves go on).
   */
  changeRoles(adminId: string, userId: string, { roles }: RolesBody, ip: string | null): Promise<UserRoles> {
    return this.em.transactional(async (em) => {
      const user = await em.findOne(UserAccount, { id: userId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!user) throw new UserNotFoundError();
      const previous = user.roles;
      user.roles = roles;
      user.updatedAt = new Date();
      await em.flush();
      await this.revoked.revoke(em, await em.find(RefreshTokenFamily, { userId, revokedAt: null }), 'roles_changed', user.updatedAt);
      await this.outbox.record(em, UserRolesChanged, userId, { userId, roles, changedBy: adminId });
      await this.audit.record(em, { action: 'user.roles_changed', actorId: adminId, subjectId: userId, ip, detail: { from: previous, to: roles } });
      return { userId, roles };
    });
  }
}
