import { AuthenticationFailed, InvalidToken } from '../errors.js';
import type { Settings } from '../settings/index.js';
import type { User, UserRepository } from '../store/index.js';
import { AccessToken, TokenError, type Token, type TokenClass, type TokenContext } from '../tokens/index.js';
import type { Authenticated, Authenticator, RequestCredentials } from './authenticator.js';

/** The token classes accepted in the header, in order (Simple JWT's `AUTH_TOKEN_CLASSES`). */
const AUTH_TOKEN_CLASSES: TokenClass<Token>[] = [AccessToken];

/**
 * Simple JWT's `JWTAuthentication`: `Authorization: Bearer <access token>`, verified without a
 * database round trip except to load the user.
 */
export class JWTAuthentication implements Authenticator {
  private readonly settings: Pick<Settings, 'authHeaderName' | 'authHeaderTypes' | 'userIdClaim' | 'userIdField' | 'checkUserIsActive'>;

  constructor(
    private readonly context: TokenContext,
    private readonly users: UserRepository,
    settings: JWTAuthentication['settings'],
  ) {
    this.settings = settings;
  }

  async authenticate(request: RequestCredentials): Promise<Authenticated | null> {
    const header = request.headers[this.settings.authHeaderName];
    if (typeof header !== 'string') return null;
    const raw = this.rawToken(header);
    if (raw === null) return null;
    const token = await this.validatedToken(raw);
    return { user: await this.userFor(token), token };
  }

  /** The value for `WWW-Authenticate` on a 401. */
  authenticateHeader(): string {
    return `${this.settings.authHeaderTypes[0]} realm="api"`;
  }

  /** The token after a known scheme, null when the header is for another scheme. */
  private rawToken(header: string): string | null {
    const parts = header.split(/\s+/).filter(Boolean);
    if (parts.length === 0) return null;
    if (!this.settings.authHeaderTypes.includes(parts[0]!)) return null;
    if (parts.length !== 2) {
      throw new AuthenticationFailed('Authorization header must contain two space-delimited values', 'bad_authorization_header', true);
    }
    return parts[1]!;
  }

  private async validatedToken(raw: string): Promise<Token> {
    const messages: { token_class: string; token_type: string; message: string }[] = [];
    for (const TokenKind of AUTH_TOKEN_CLASSES) {
      try {
        return await (TokenKind as unknown as typeof AccessToken).fromString(this.context, raw);
      } catch (error) {
        if (!(error instanceof TokenError)) throw error;
        messages.push({
          token_class: TokenKind.name,
          token_type: (TokenKind as unknown as { tokenType: string }).tokenType,
          message: error.message,
        });
      }
    }
    throw new InvalidToken('Given token not valid for any token type', messages);
  }

  private async userFor(token: Token): Promise<User> {
    const id = token.get(this.settings.userIdClaim);
    if (id === undefined) throw new InvalidToken('Token contained no recognizable user identification');
    const user = this.settings.userIdField === 'id'
      ? typeof id === 'number' || (typeof id === 'string' && /^\d+$/.test(id)) ? await this.users.findById(Number(id)) : null
      : typeof id === 'string' ? await this.users.findByUsername(id) : null;
    if (!user) throw new AuthenticationFailed('User not found', 'user_not_found', true);
    if (this.settings.checkUserIsActive && !user.isActive) {
      throw new AuthenticationFailed('User is inactive', 'user_inactive', true);
    }
    return user;
  }
}
