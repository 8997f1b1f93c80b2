import { DomainError } from '@alphintra/platform-http';

export class NotBlacklistedError extends DomainError {
  constructor(symbol: string) {
    super('BLACKLIST.NOT_FOUND', 'not_found', `${symbol} is not blacklisted.`);
  }
}

export class AlreadyBlacklistedError extends DomainError {
  constructor(symbol: string) {
    super('BLACKLIST.EXISTS', 'conflict', `${symbol} is already blacklisted.`);
  }
}

export class UnknownSymbolError extends DomainError {
  constructor(symbol: string) {
    super('BLACKLIST.UNKNOWN_SYMBOL', 'unprocessable', `No instrument ${symbol} is known.`, [{ path: 'symbol', message: 'is not a known instrument' }]);
  }
}
