import { DomainError } from '@alphintra/platform-http';

export class OrderNotFoundError extends DomainError {
  constructor() {
    super('ORDER.NOT_FOUND', 'not_found', 'No such order.');
  }
}

export class MissingIdempotencyKeyError extends DomainError {
  constructor() {
    super('ORDER.IDEMPOTENCY_KEY_REQUIRED', 'invalid', 'The Idempotency-Key header is required (1 to 255 visible characters).', [
      { path: 'Idempotency-Key', message: 'is required: 1 to 255 visible ASCII characters' },
    ]);
  }
}

export class IdempotencyKeyReusedError extends DomainError {
  constructor() {
    super('ORDER.IDEMPOTENCY_KEY_REUSED', 'conflict', 'This Idempotency-Key was used for an order with another body.', [
      { path: 'Idempotency-Key', message: 'was already used with another request body' },
    ]);
  }
}

export class UnknownSymbolError extends DomainError {
  constructor(symbol: string) {
    super('ORDER.UNKNOWN_SYMBOL', 'unprocessable', `${symbol} is not a listed instrument.`, [{ path: 'symbol', message: 'is not a listed instrument' }]);
  }
}

export class DelistedSymbolError extends DomainError {
  constructor(symbol: string) {
    super('ORDER.DELISTED_SYMBOL', 'unprocessable', `${symbol} has been delisted.`, [{ path: 'symbol', message: 'has been delisted' }]);
  }
}

export class TrailTooWideError extends DomainError {
  constructor(last: string) {
    super('ORDER.TRAIL_TOO_WIDE', 'unprocessable', `A sell's trail must leave its trigger above 0; the last price is ${last}.`, [
      { path: 'trailPrice', message: `must leave the trigger (last price ${last} minus the trail) above 0` },
    ]);
  }
}

export class NoPriceError extends DomainError {
  constructor(symbol: string) {
    super('ORDER.NO_PRICE', 'unprocessable', `There is no last price for ${symbol} to reserve a market order against.`, [{ path: 'symbol', message: 'has no last price yet' }]);
  }
}

export class OrderNotCancellableError extends DomainError {
  constructor(status: string) {
    super('ORDER.NOT_CANCELLABLE', 'conflict', `The order is ${status} and can no longer be cancelled.`);
  }
}

/** quantity × price (the buy's reservation) beyond what NUMERIC(38, 8) holds, for the order or the account. */
export class NotionalTooLargeError extends DomainError {
  constructor() {
    super('ORDER.NOTIONAL_TOO_LARGE', 'unprocessable', 'The order is too large: its quantity times its price exceeds what an account can hold.', [
      { path: 'quantity', message: 'times the price must stay below 10^30, with what the account has reserved already' },
    ]);
  }
}

export class SellBeyondHoldingsError extends DomainError {
  constructor(available: string) {
    super('ORDER.SELL_BEYOND_HOLDINGS', 'unprocessable', `The account holds ${available} shares not already committed to other open sells; short selling is not offered.`, [
      { path: 'quantity', message: `must not exceed the ${available} shares held and not committed to other open sells` },
    ]);
  }
}

export class OrderQuantityCapError extends DomainError {
  constructor(max: string) {
    super('ORDER.QUANTITY_CAP', 'unprocessable', `An order may not exceed ${max} shares.`, [{ path: 'quantity', message: `must not exceed the platform cap of ${max}` }]);
  }
}

export class OrderNotionalCapError extends DomainError {
  constructor(notional: string, max: string) {
    super('ORDER.NOTIONAL_CAP', 'unprocessable', `The order is worth ${notional} at the market; an order may not exceed ${max}.`, [
      { path: 'quantity', message: `times the market price must not exceed the platform cap of ${max}` },
    ]);
  }
}

export class NothingToCloseError extends DomainError {
  constructor(symbol: string) {
    super('POSITION.NOTHING_TO_CLOSE', 'unprocessable', `No shares of ${symbol} are held that other open sells have not committed already.`, [
      { path: 'symbol', message: 'has no shares free to sell' },
    ]);
  }
}

export class AccountHaltedError extends DomainError {
  constructor(reason: string | null) {
    super('ACCOUNT.HALTED', 'unprocessable', `The account is halted${reason ? `: ${reason}` : ''}; it places no orders until it is resumed.`);
  }
}

export class ReduceOnlyError extends DomainError {
  constructor(reason: string | null) {
    super('ACCOUNT.REDUCE_ONLY', 'unprocessable', `The account may only reduce its positions${reason ? ` (${reason})` : ''}: no buys.`, [
      { path: 'side', message: 'must be sell while the account is reduce-only' },
    ]);
  }
}
