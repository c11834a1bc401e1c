/** The `code` of a 403 from a route that needs a recent login (`Fresh`, `freshLoginMaxAge`). */
export const REAUTHENTICATION_REQUIRED = 'reauthentication_required';

/** A non-2xx answer: `status`, the parsed JSON body (or text, or null), and the body's DRF `code` if it has one. */
export class TesseraHttpError extends Error {
  status: number;
  body: unknown;
  /** DRF's error `code` beside `detail` (e.g. `reauthentication_required`, `token_not_valid`); undefined when the body has none. */
  code: string | undefined;

  constructor(status: number, body: unknown) {
    super(`HTTP ${status}${describe(body)}`);
    this.name = 'TesseraHttpError';
    this.status = status;
    this.body = body;
    const code = body && typeof body === 'object' ? (body as { code?: unknown }).code : undefined;
    this.code = typeof code === 'string' ? code : undefined;
  }
}

/**
 * Whether a failed request needs a recent login: a 403 whose code is `reauthentication_required`,
 * thrown by `client.request` (TesseraHttpError) or by axios through `attachTessera` (AxiosError).
 * Ask for the password, call `client.reauthenticate(password)`, and retry the request once.
 */
export function isReauthenticationRequired(error: unknown): boolean {
  if (error instanceof TesseraHttpError) return error.status === 403 && error.code === REAUTHENTICATION_REQUIRED;
  // An AxiosError, read by shape: tessera/client does not depend on axios.
  const response = (error as { isAxiosError?: unknown; response?: { status?: unknown; data?: unknown } } | null)?.response;
  if (!(error as { isAxiosError?: unknown }).isAxiosError || !response || response.status !== 403) return false;
  const data = response.data as { code?: unknown } | null | undefined;
  return typeof data === 'object' && data !== null && data.code === REAUTHENTICATION_REQUIRED;
}

function describe(body: unknown): string {
  if (body && typeof body === 'object' && typeof (body as { detail?: unknown }).detail === 'string') {
    return `: ${(body as { detail: string }).detail}`;
  }
  return '';
}

/** The methods a second-factor challenge may be answered with. */
export type SecondFactorMethod = 'totp' | 'recovery_code';

/**
 * Thrown by `client.login` when the user has a second factor: the password was right, and the
 * login waits for `client.completeLogin(code)` (a TOTP code) or `client.loginWithRecoveryCode(code)`
 * within `expiresIn` seconds. Nothing is stored until then.
 */
export class SecondFactorRequiredError extends Error {
  /** What the server accepts: `totp`, `recovery_code`. */
  methods: SecondFactorMethod[];
  /** Seconds the challenge may be answered in (300). */
  expiresIn: number;

  constructor(body: Record<string, unknown>) {
    super('A second factor is required to finish this login.');
    this.name = 'SecondFactorRequiredError';
    this.methods = Array.isArray(body.methods) ? body.methods.filter((m): m is SecondFactorMethod => m === 'totp' || m === 'recovery_code') : [];
    this.expiresIn = typeof body.expires_in === 'number' ? body.expires_in : 0;
  }
}

/** Whether `client.login` threw because the user's second factor is needed (`client.completeLogin(code)` next). */
export function isSecondFactorRequired(error: unknown): error is SecondFactorRequiredError {
  return error instanceof SecondFactorRequiredError;
}
