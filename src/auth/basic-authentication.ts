import { AuthenticationFailed } from '../errors.js';
import type { Authenticated, Authenticator, RequestCredentials } from './authenticator.js';
import { authorizationParts, decodeUtf8, usesScheme } from './authorization-header.js';
import { authenticateCredentials, type CredentialsBackend } from './credentials.js';

const BASE64_ALPHABET = /^[A-Za-z0-9+/]$/;

/**
 * DRF's `BasicAuthentication`: `Authorization: Basic base64(username:password)`, checked by the
 * same credentials function as the login views, so an unknown username costs one hash too.
 */
export class BasicAuthentication implements Authenticator {
  readonly wwwAuthenticateRealm = 'api';

  /**
   * `hasSecondFactor`: a user with a second factor is refused, since a password alone on every
   * request would pass over it (`two_factor_required`: sign in for a token instead).
   */
  constructor(private readonly backend: CredentialsBackend, private readonly hasSecondFactor: (userId: number) => Promise<boolean> = async () => false) {}

  async authenticate(request: RequestCredentials): Promise<Authenticated | null> {
    const parts = authorizationParts(request);
    if (!usesScheme(parts, 'basic')) return null;
    if (parts.length === 1) throw new AuthenticationFailed('Invalid basic header. No credentials provided.');
    if (parts.length > 2) throw new AuthenticationFailed('Invalid basic header. Credentials string should not contain spaces.');
    const decoded = decodeBasicCredentials(parts[1]!);
    if (decoded === null) throw new AuthenticationFailed('Invalid basic header. Credentials not correctly base64 encoded.');
    const user = await authenticateCredentials(this.backend, decoded.userid, decoded.password);
    // Django's ModelBackend refuses inactive users itself, so they read as a wrong password; the
    // second check keeps DRF's message should the credentials function ever let one through.
    if (!user) throw new AuthenticationFailed('Invalid username/password.');
    if (!user.isActive) throw new AuthenticationFailed('User inactive or deleted.');
    if (await this.hasSecondFactor(user.id)) {
      throw new AuthenticationFailed('Two-factor authentication is on for this account: Basic authentication cannot carry the second factor; sign in at /api/token/.', 'two_factor_required', true);
    }
    return { user, token: null };
  }

  authenticateHeader(): string {
    return `Basic realm="${this.wwwAuthenticateRealm}"`;
  }
}

/**
 * `base64.b64decode(...)` then UTF-8 (else latin-1) then `split(':', 1)`, as DRF does; null for
 * anything Python would raise on. Python's decoder skips characters outside the alphabet and
 * stops at completed padding, so this one does too.
 */
export function decodeBasicCredentials(encoded: string): { userid: string; password: string } | null {
  const bytes = pythonBase64Decode(encoded);
  if (bytes === null) return null;
  const text = decodeUtf8(bytes.toString('latin1')) ?? bytes.toString('latin1');
  const colon = text.indexOf(':');
  if (colon < 0) return null;
  return { userid: text.slice(0, colon), password: text.slice(colon + 1) };
}

/** CPython's non-strict `binascii.a2b_base64`. */
function pythonBase64Decode(input: string): Buffer | null {
  let data = '';
  let quadPos = 0;
  let pads = 0;
  let padded = false;
  for (const ch of input) {
    if (ch === '=') {
      if (quadPos >= 2 && quadPos + ++pads >= 4) {
        padded = true;
        break;
      }
      continue;
    }
    if (!BASE64_ALPHABET.test(ch)) continue;
    data += ch;
    quadPos = (quadPos + 1) % 4;
  }
  if (quadPos !== 0 && !padded) return null;
  return Buffer.from(data, 'base64');
}
