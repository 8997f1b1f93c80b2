import { DomainError, type FieldError } from '@alphintra/platform-http';

/** Some rows of an upload are wrong; each is named (`line 7.close`) and none of the upload is stored. */
export class InvalidBarsError extends DomainError {
  constructor(errors: FieldError[]) {
    const rows = new Set(errors.map((e) => e.path.split('.')[0])).size;
    super('BARS.INVALID_ROWS', 'unprocessable', `${rows} row(s) of the upload are invalid; nothing was stored.`, errors);
  }
}
