/**
 * Errors that carry a client-facing answer, shared by every layer. Each is a `TesseraError` with
 * a stable `code`; `src/http/errors.ts` is the one place that turns them into status codes and
 * DRF-shaped bodies, for every adapter.
 */

/**
 * The base of every error tessera raises on purpose: `code` is stable (`token_not_valid`,
 * `no_active_account`, `throttled`, ...), for callers to tell errors apart without matching text.
 */
export abstract class TesseraError extends Error {
  abstract readonly code: string;
}

/**
 * An error that is an answer, not a fault: a bad or expired token. Every client sends expired
 * tokens and anyone can send garbage; capturing a stack trace for each cost more than the rest
 * of the 401, and no one reads it (only 5xx are logged with their stack).
 */
export abstract class StacklessError extends TesseraError {
  constructor(message: string) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
  }
}

/** Field errors, `{"field": ["message"]}`; `non_field_errors` for the whole input. */
export class ValidationError extends TesseraError {
  readonly code = 'invalid';
  constructor(readonly fields: Record<string, string[]>) {
    super(Object.entries(fields).map(([f, m]) => `${f}: ${m.join(' ')}`).join('; '));
    this.name = 'ValidationError';
  }

  static of(field: string, message: string): ValidationError {
    return new ValidationError({ [field]: [message] });
  }
}

/**
 * 400 `{"detail": ..., "code": ...}`: input of the right shape refused as a whole (a passkey whose
 * attestation does not verify), where field errors would name no field.
 */
export class InvalidInput extends TesseraError {
  constructor(message: string, readonly code: string) {
    super(message);
    this.name = 'InvalidInput';
  }
}

/** 401: credentials were given and were wrong. `code` is sent in the body only when `showCode`. */
export class AuthenticationFailed extends TesseraError {
  constructor(
    message = 'Incorrect authentication credentials.',
    readonly code = 'authentication_failed',
    readonly showCode = false,
  ) {
    super(message);
    this.name = 'AuthenticationFailed';
  }
}

/** 401: no credentials at all. */
export class NotAuthenticated extends TesseraError {
  readonly code = 'not_authenticated';
  constructor(message = 'Authentication credentials were not provided.') {
    super(message);
    this.name = 'NotAuthenticated';
  }
}

/** 401 from Simple JWT's `InvalidToken`: detail, code and, for headers, the per-class messages. */
export class InvalidToken extends StacklessError {
  constructor(
    message = 'Token is invalid or expired',
    readonly messages: { token_class: string; token_type: string; message: string }[] | null = null,
    readonly code = 'token_not_valid',
  ) {
    super(message);
    this.name = 'InvalidToken';
  }
}

/** 403. `code` is sent in the body only when `showCode` (a refusal clients tell apart by its code). */
export class PermissionDenied extends TesseraError {
  constructor(
    message = 'You do not have permission to perform this action.',
    readonly code: string = 'permission_denied',
    readonly showCode = false,
  ) {
    super(message);
    this.name = 'PermissionDenied';
  }
}

export class NotFound extends TesseraError {
  readonly code = 'not_found';
  constructor(message = 'Not found.') {
    super(message);
    this.name = 'NotFound';
  }
}

export class ParseError extends TesseraError {
  readonly code = 'parse_error';
  constructor(message = 'Malformed request.') {
    super(message);
    this.name = 'ParseError';
  }
}

/**
 * 503: the database (or another service a request needs) is down, unreachable or too slow; the
 * same request may succeed later. The store raises it for connection errors and timeouts.
 */
export class ServiceUnavailable extends TesseraError {
  readonly code = 'service_unavailable';
  constructor(message = 'Service temporarily unavailable.', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ServiceUnavailable';
  }
}

/** DRF's `Throttled`: 429 with `Retry-After: wait` and "Request was throttled. Expected available in N seconds.". */
export class Throttled extends TesseraError {
  readonly code = 'throttled';
  constructor(readonly wait: number) {
    super(`Request was throttled. Expected available in ${wait} second${wait === 1 ? '' : 's'}.`);
    this.name = 'Throttled';
  }
}
