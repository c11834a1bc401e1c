import { AuthenticationFailed } from '../errors.js';
import type { User, UserRepository } from '../store/index.js';
import {
  decodeDrfJwt, DRF_JWT_MESSAGES, DrfJwtDecodeError, drfJwtUsername, type DrfJwtContext,
} from '../tokens/index.js';
import type { Authenticated, Authenticator, RequestCredentials } from './authenticator.js';
import { authorizationParts, usesScheme } from './authorization-header.js';

/**
 * djangorestframework-jwt's `JSONWebTokenAuthentication`: `Authorization: JWT <token>` (the prefix
 * is `jwtAuthHeaderPrefix`, matched case-insensitively as drf-jwt does), the user found by the
 * token's `username`, drf-jwt's messages, and `WWW-Authenticate: JWT realm="api"`.
 */
export class DrfJwtAuthentication implements Authenticator {
  constructor(
    private readonly context: DrfJwtContext,
    private readonly users: UserRepository,
    private readonly prefix: string,
  ) {}

  /** The header's scheme is this class's prefix. */
  recognises(request: RequestCredentials): boolean {
    return usesScheme(authorizationParts(request), this.prefix);
  }

  async authenticate(request: RequestCredentials): Promise<Authenticated | null> {
    const parts = authorizationParts(request);
    if (!usesScheme(parts, this.prefix)) return null;
    if (parts.length === 1) throw new AuthenticationFailed(DRF_JWT_MESSAGES.noCredentials);
    if (parts.length > 2) throw new AuthenticationFailed(DRF_JWT_MESSAGES.spaces);
    return { user: await this.authenticateToken(parts[1]!), token: null };
  }

  /** `authenticate` for a token already taken from its header. */
  async authenticateToken(raw: string): Promise<User> {
    let payload;
    try {
      payload = decodeDrfJwt(this.context, raw);
    } catch (error) {
      if (!(error instanceof DrfJwtDecodeError)) throw error;
      // PyJWT's other InvalidTokenErrors (audience, issuer, nbf) are DRF's bare AuthenticationFailed.
      throw error.reason === 'claims' ? new AuthenticationFailed() : new AuthenticationFailed(error.message);
    }
    const username = drfJwtUsername(this.context, payload);
    if (!username) throw new AuthenticationFailed(DRF_JWT_MESSAGES.invalidPayload);
    const user = await this.users.findByUsername(username);
    if (!user) throw new AuthenticationFailed(DRF_JWT_MESSAGES.invalidSignature);
    if (!user.isActive) throw new AuthenticationFailed(DRF_JWT_MESSAGES.disabled);
    return user;
  }

  authenticateHeader(): string {
    return `${this.prefix} realm="api"`;
  }
}
