import { DomainError } from '@alphintra/platform-http';

export class InstrumentNotFoundError extends DomainError {
  constructor(symbol: string) {
    super('INSTRUMENT.NOT_FOUND', 'not_found', `No instrument ${symbol} is known.`);
  }
}

export class InstrumentExistsError extends DomainError {
  constructor(symbol: string) {
    super('INSTRUMENT.EXISTS', 'conflict', `Instrument ${symbol} already exists.`);
  }
}

export class InstrumentDelistedError extends DomainError {
  constructor(symbol: string) {
    super('INSTRUMENT.DELISTED', 'conflict', `Instrument ${symbol} is delisted.`);
  }
}
