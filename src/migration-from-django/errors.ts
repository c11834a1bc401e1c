import { TesseraError } from '../errors.js';

/** Why an import from Django could not run: unreachable, not Django's, unsupported URL, clashes. */
export class DjangoImportError extends TesseraError {
  readonly code = 'django_import_failed';
  constructor(message: string) {
    super(message);
    this.name = 'DjangoImportError';
  }
}
