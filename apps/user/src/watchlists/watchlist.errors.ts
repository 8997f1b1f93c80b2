import { DomainError } from '@alphintra/platform-http';

export class WatchlistNotFoundError extends DomainError {
  constructor() {
    super('WATCHLIST.NOT_FOUND', 'not_found', 'No such watchlist.');
  }
}

export class WatchlistNameTakenError extends DomainError {
  constructor(name: string) {
    super('WATCHLIST.DUPLICATE_NAME', 'conflict', `A watchlist named "${name}" already exists.`, [{ path: 'name', message: 'is already used by another watchlist' }]);
  }
}

export class UnknownSymbolError extends DomainError {
  constructor(symbol: string) {
    super('WATCHLIST.UNKNOWN_SYMBOL', 'unprocessable', `${symbol} is not a listed instrument.`, [{ path: 'symbol', message: 'is not a listed instrument' }]);
  }
}

export class DelistedSymbolError extends DomainError {
  constructor(symbol: string) {
    super('WATCHLIST.DELISTED_SYMBOL', 'unprocessable', `${symbol} has been delisted.`, [{ path: 'symbol', message: 'has been delisted' }]);
  }
}

export class SymbolAlreadyWatchedError extends DomainError {
  constructor(symbol: string) {
    super('WATCHLIST.DUPLICATE_ITEM', 'conflict', `${symbol} is already on this watchlist.`, [{ path: 'symbol', message: 'is already on this watchlist' }]);
  }
}

export class WatchlistItemNotFoundError extends DomainError {
  constructor(symbol: string) {
    super('WATCHLIST.ITEM_NOT_FOUND', 'not_found', `${symbol} is not on this watchlist.`);
  }
}
