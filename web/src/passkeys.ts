import { browserSupportsWebAuthn, startAuthentication, startRegistration, WebAuthnError } from '@simplewebauthn/browser';
import { client, deviceName, TesseraHttpError } from './api.ts';
import { withFreshLogin } from './fresh-login.ts';

/** A passkey as `GET /api/passkeys/` lists it. */
export interface PasskeyRow {
  id: number;
  name: string;
  created: string;
  last_used: string | null;
  transports: string[];
  backed_up: boolean;
}

/** Whether this browser can create and use passkeys at all. */
export const passkeysSupported = (): boolean => browserSupportsWebAuthn();

/**
 * Adds a passkey: the server's options (asking for the password first when the login is not
 * recent), the browser's ceremony, then the answer stored under `name`.
 */
export async function addPasskey(name: string): Promise<PasskeyRow> {
  const optionsJSON = await withFreshLogin(() => client.request<never>('POST', '/api/passkeys/register/options/', {}));
  const response = await startRegistration({ optionsJSON });
  return client.request<PasskeyRow>('POST', '/api/passkeys/register/', { ...response, ...(name.trim() ? { name: name.trim() } : {}) });
}

/** Removes one (asking for the password first when the login is not recent). */
export async function removePasskey(id: number): Promise<void> {
  await withFreshLogin(() => client.request('DELETE', `/api/passkeys/${id}/`));
}

/** Signs in with any passkey of this site the browser offers; the tokens are stored as at login. */
export async function signInWithPasskey(): Promise<void> {
  const optionsJSON = await client.request<never>('POST', '/api/token/passkey/options/', {});
  const assertion = await startAuthentication({ optionsJSON });
  await client.loginWithPasskey(assertion, { deviceName: deviceName() });
}

/**
 * The sentence for a failed passkey ceremony: the browser's (cancelled, timed out, not allowed
 * here) in words, or null for a server answer, which the caller reports as any other.
 */
export function ceremonyProblem(error: unknown): string | null {
  if (error instanceof TesseraHttpError) return null;
  if (error instanceof WebAuthnError && error.code === 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED') return 'This device already holds a passkey for your account.';
  if (error instanceof Error && (error.name === 'NotAllowedError' || error.name === 'AbortError')) return 'No passkey was used: the request was cancelled or timed out.';
  if (error instanceof Error && error.name === 'SecurityError') return 'Passkeys do not work at this address; open the console at the address the server names in webauthnOrigins.';
  if (error instanceof WebAuthnError) return `The passkey could not be used (${error.message}).`;
  return null;
}
