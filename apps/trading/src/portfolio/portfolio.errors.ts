import { DomainError } from '@alphintra/platform-http';

export class WithdrawalBeyondFreeCashError extends DomainError {
  constructor(free: string) {
    super('ACCOUNT.WITHDRAWAL_BEYOND_FREE_CASH', 'unprocessable', `Only ${free} of cash is free (not held by open buy orders).`, [
      { path: 'amount', message: `must not exceed the free cash of ${free}` },
    ]);
  }
}

export class PositionNotFoundError extends DomainError {
  constructor(symbol: string) {
    super('POSITION.NOT_FOUND', 'not_found', `The account holds no ${symbol}.`);
  }
}
