/** Domain failures carry a kind; the HTTP layers map kinds to Graph or control-API statuses. */
export type DomainErrorKind = 'notFound' | 'conflict' | 'invalid';

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
