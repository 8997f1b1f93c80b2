import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import type { Principal } from '@alphintra/platform-auth';
import { checkHalt, checkResume, type AccountStateRow, type Requester } from './account-state';
import { AccountStates } from './account-states';
import { AccountNotFoundError } from './accounts.errors';
import type { HaltBody, ResumeBody } from './dto/accounts.dto';
import { LossMonitor } from './loss-monitor.service';

/** The kill switch and compliance's halts, over HTTP. */
@Injectable()
export class AccountsService {
  constructor(
    private readonly em: EntityManager,
    private readonly states: AccountStates,
    private readonly monitor: LossMonitor,
  ) {}

  async view(user: Principal, userId: string) {
    requester(user, userId);
    const em = this.em.fork();
    return this.viewOf(em, userId, await this.states.read(em, userId));
  }

  halt(user: Principal, userId: string, body: HaltBody) {
    const by = requester(user, userId);
    return this.em.transactional(async (em) => {
      const s = await this.states.change(em, userId, (current) => {
        checkHalt(current, body.mode, by);
        return { state: body.mode, reason: body.reason, trigger: by, actor: user.userId, cancelOpenOrders: body.cancelOpenOrders, flatten: body.flatten };
      });
      return this.viewOf(em, userId, s!);
    });
  }

  resume(user: Principal, userId: string, body: ResumeBody) {
    const by = requester(user, userId);
    return this.em.transactional(async (em) => {
      const s = await this.states.change(em, userId, (current) => {
        checkResume(current, by);
        return { state: 'active', reason: body.reason, trigger: by, actor: user.userId, cancelOpenOrders: false, flatten: false };
      });
      return this.viewOf(em, userId, s!);
    });
  }
  private async viewOf(em: EntityManager, userId: string, s: AccountStateRow) {
    return {
      userId,
      state: s.state,
      reason: s.reason,
      trigger: s.trigger,
      actor: s.actor,
      cancelOpenOrders: s.cancelOpenOrders,
      flatten: s.flatten,
      version: s.version,
      changedAt: s.changedAt?.toISOString() ?? null,
      ...(await this.monitor.figures(em, userId, new Date())),
    };
  }
}

/** Compliance and admin act on any account; anyone else on their own only (another's answers 404). */
function requester(user: Principal, userId: string): Requester {
  if (user.roles.includes('compliance') || user.roles.includes('admin')) return 'compliance';
  if (user.userId === userId) return 'owner';
  throw new AccountNotFoundError();
}
