import { DomainError, type FieldError } from '@alphintra/platform-http';

const LISTED = 1000;

/** Some rows of an import are wrong; each is named (`line 7.close`) and none of the file is stored. */
export class InvalidImportError extends DomainError {
  constructor(errors: FieldError[]) {
    const rows = new Set(errors.map((e) => e.path.split('.')[0])).size;
    const listed = errors.length > LISTED ? `; the first ${LISTED} of ${errors.length} problems are listed` : '';
    super('MARKET_IMPORT.INVALID_ROWS', 'unprocessable', `${rows} row(s) of the file are invalid${listed}; nothing was stored.`, errors.slice(0, LISTED));
  }
}

export class ImportNotFoundError extends DomainError {
  constructor(id: string) {
    super('MARKET_IMPORT.NOT_FOUND', 'not_found', `No import ${id}.`);
  }
}

export class ImportsStoppingError extends DomainError {
  constructor() {
    super('MARKET_IMPORT.STOPPING', 'unavailable', 'This replica is stopping; send the file again.');
  }
}
