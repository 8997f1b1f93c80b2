import { DomainError } from '@alphintra/platform-http';
import type { AccountStateRow } from './account-state';

export class AccountNotFoundError extends DomainError {
  constructor() {
    super('RISK.ACCOUNT.NOT_FOUND', 'not_found', 'No such account.');
  }
}

export class AccountNotHaltedError extends DomainError {
  constructor() {
    super('RISK.ACCOUNT.NOT_HALTED', 'conflict', 'The account is active; there is nothing to resume.');
  }
}

const BY: Record<string, string> = { compliance: 'compliance', daily_loss_limit: 'the daily loss limit', max_drawdown: 'the max drawdown limit' };

export class AccountHeldError extends DomainError {
  constructor(current: AccountStateRow) {
    super('RISK.ACCOUNT.HELD', 'forbidden', `The account is ${current.state.replace('_', '-')} by ${BY[current.trigger ?? ''] ?? 'compliance'}; only compliance can loosen or lift it.`);
  }
}
