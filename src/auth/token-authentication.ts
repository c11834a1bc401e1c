import { AuthenticationFailed } from '../errors.js';
import type { AuthTokenRepository, UserRepository } from '../store/index.js';
import type { Authenticated, Authenticator, RequestCredentials } from './authenticator.js';
import { authorizationParts, decodeUtf8, usesScheme } from './authorization-header.js';

/**
 * DRF's `TokenAuthentication`: `Authorization: Token <key>`, the key looked up in
 * `authtoken_token`. Unlike JWTs these are revoked by deleting (or regenerating) the row.
 */
export class TokenAuthentication implements Authenticator {
  readonly keyword = 'Token';

  constructor(
    private readonly tokens: AuthTokenRepository,
    private readonly users: UserRepository,
  ) {}

  async authenticate(request: RequestCredentials): Promise<Authenticated | null> {
    const parts = authorizationParts(request);
    if (!usesScheme(parts, this.keyword)) return null;
    if (parts.length === 1) throw new AuthenticationFailed('Invalid token header. No credentials provided.');
    if (parts.length > 2) throw new AuthenticationFailed('Invalid token header. Token string should not contain spaces.');
    const key = decodeUtf8(parts[1]!);
    if (key === null) throw new AuthenticationFailed('Invalid token header. Token string should not contain invalid characters.');
    const token = await this.tokens.findByKey(key);
    const user = token ? await this.users.findById(token.userId) : null;
    if (!user) throw new AuthenticationFailed('Invalid token.');
    if (!user.isActive) throw new AuthenticationFailed('User inactive or deleted.');
    // `request.auth` is typed for JWTs; the authtoken itself is not needed past this point.
    return { user, token: null };
  }

  authenticateHeader(): string {
    return this.keyword;
  }
}
