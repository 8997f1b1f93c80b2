import { DomainError } from '@alphintra/platform-http';

export class NoQuoteError extends DomainError {
  constructor(symbol: string) {
    super('QUOTE.NOT_FOUND', 'not_found', `No quote of ${symbol} has been seen yet; is a market feed running?`);
  }
}

export class AlpacaKeyRequiredError extends DomainError {
  constructor() {
    super('MARKET.ALPACA_KEY_REQUIRED', 'unprocessable', 'No alpaca key is stored; send keyId and secretKey.');
  }
}

/** Strategy has no key to seal an alpaca key with: an operator sets MARKET_CREDENTIALS_KEY. */
export class SealingKeyMissingError extends DomainError {
  constructor() {
    super('MARKET.SEALING_KEY_MISSING', 'unprocessable', 'This installation cannot store an alpaca key: MARKET_CREDENTIALS_KEY is not set.');
  }
}

export class UnlistedSymbolsError extends DomainError {
  constructor(symbols: string[]) {
    super('MARKET.UNLISTED_SYMBOLS', 'unprocessable', `Not listed: ${symbols.join(', ')}.`, symbols.map((s) => ({ path: 'symbols', message: `${s} is not a listed instrument` })));
  }
}
