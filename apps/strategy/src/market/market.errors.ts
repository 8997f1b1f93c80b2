import { DomainError } from '@alphintra/platform-http';

export class NoQuoteError extends DomainError {
  constructor(symbol: string) {
    super('QUOTE.NOT_FOUND', 'not_found', `No quote of ${symbol} has been seen yet; is a market feed running?`);
  }
}
