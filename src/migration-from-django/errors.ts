/** Why an import from Django could not run: unreachable, not Django's, unsupported URL, clashes. */
export class DjangoImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DjangoImportError';
  }
}
