import { AuthenticationFailed, InvalidToken } from '../errors.js';
import type { AuthTokenClassName, Settings } from '../settings/index.js';
import type { User, UserRepository } from '../store/index.js';
import { AccessToken, SlidingToken, TokenError, type Token, type TokenClass, type TokenContext } from '../tokens/index.js';
import { ACCESS_COOKIE_NAME, tokenFromCookie } from './auth-cookies.js';
import { headerParts } from './authorization-header.js';
import type { Authenticated, Authenticator, RequestCredentials } from './authenticator.js';
import { enforceCsrf, type CsrfContext } from './csrf.js';

/** The token classes `authTokenClasses` names (Simple JWT's `AUTH_TOKEN_CLASSES`). */
const AUTH_TOKEN_CLASSES: Record<AuthTokenClassName, TokenClass<Token>> = { access: AccessToken, sliding: SlidingToken };

/** Two parts and one space between, no ASCII whitespace in either: what headerParts would split in two, found at once. */
const SCHEME_AND_TOKEN = /^[^ \t\n\r\v\f]+ [^ \t\n\r\v\f]+$/;

/**
 * Simple JWT's `JWTAuthentication`: `Authorization: Bearer <access token>`, verified without a
 * database round trip except to load the user.
 */
export class JWTAuthentication implements Authenticator {
  private readonly settings: Pick<Settings, 'authHeaderName' | 'authHeaderTypes' | 'userIdClaim' | 'userIdField' | 'checkUserIsActive'>
    & Partial<Pick<Settings, 'authTokenClasses' | 'authCookies' | 'publicUrl' | 'userCacheTtl'>>;
  /** The token classes tried, in order; each one's refusal is listed in the 401's `messages`. */
  private readonly tokenClasses: TokenClass<Token>[];
  /** Cookie mode `both`: the access cookie is read when there is no header, CSRF-checked as here. */
  private readonly cookieCsrf: CsrfContext | null;
  /** `authenticateNow` answers only for access tokens alone, whose checks are all in memory. */
  private readonly accessTokensOnly: boolean;

  constructor(
    private readonly context: TokenContext,
    private readonly users: UserRepository,
    settings: JWTAuthentication['settings'],
  ) {
    this.settings = settings;
    this.tokenClasses = (settings.authTokenClasses ?? ['access']).map((name) => AUTH_TOKEN_CLASSES[name]);
    this.cookieCsrf = settings.authCookies === 'both' ? { publicUrl: settings.publicUrl ?? '' } : null;
    this.accessTokensOnly = this.tokenClasses.length === 1 && this.tokenClasses[0] === AccessToken;
  }

  /**
   * `authenticate`'s acceptance from memory: a header access token whose key is known (its
   * signature remembered or checked here), whose claims pass, and whose user `findRecentById` read
   * within `userCacheTtl`. Anything else, refusals included, is left to `authenticate`.
   */
  authenticateNow(request: RequestCredentials): Authenticated | undefined {
    const { settings } = this;
    if (!this.accessTokensOnly || settings.userIdField !== 'id' || !settings.userCacheTtl) return undefined;
    const header = request.headers[settings.authHeaderName];
    if (typeof header !== 'string') return undefined;
    try {
      const raw = this.rawToken(header);
      if (raw === null || this.context.codec.unknownKid(raw) !== undefined) return undefined;
      const token = AccessToken.decoded(this.context, raw, true);
      token.checkClaims();
      const id = token.get(settings.userIdClaim);
      if (typeof id !== 'number' || !Number.isSafeInteger(id)) return undefined;
      const user = this.users.rememberedById(id, settings.userCacheTtl * 1000);
      if (!user || (settings.checkUserIsActive && !user.isActive)) return undefined;
      return { user, token };
    } catch {
      return undefined;
    }
  }

  async authenticate(request: RequestCredentials): Promise<Authenticated | null> {
    const header = request.headers[this.settings.authHeaderName];
    if (typeof header !== 'string') return this.cookieCsrf ? this.authenticateCookie(request, this.cookieCsrf) : null;
    const raw = this.rawToken(header);
    if (raw === null) return null;
    const token = await this.validatedToken(raw);
    return { user: await this.userFor(token), token };
  }

  /**
   * The `__Host-tessera-access` cookie's token, then Django's CSRF check on unsafe methods: the
   * browser sends the cookie by itself, so as with a session only the token proves intent.
   */
  private async authenticateCookie(request: RequestCredentials, csrf: CsrfContext): Promise<Authenticated | null> {
    const raw = tokenFromCookie(request, ACCESS_COOKIE_NAME);
    if (raw === null) return null;
    const token = await this.validatedToken(raw);
    const user = await this.userFor(token);
    enforceCsrf(request, csrf);
    return { user, token };
  }

  /** The value for `WWW-Authenticate` on a 401. */
  authenticateHeader(): string {
    return `${this.settings.authHeaderTypes[0]} realm="api"`;
  }

  /** The token after a known scheme, null when the header is for another scheme. */
  private rawToken(header: string): string | null {
    // Almost every header is `Scheme token`: found without splitting (Python's `split()` below).
    if (SCHEME_AND_TOKEN.test(header)) {
      const space = header.indexOf(' ');
      return this.settings.authHeaderTypes.includes(header.slice(0, space)) ? header.slice(space + 1) : null;
    }
    const parts = headerParts(header);
    if (parts.length === 0) return null;
    if (!this.settings.authHeaderTypes.includes(parts[0]!)) return null;
    if (parts.length !== 2) {
      throw new AuthenticationFailed('Authorization header must contain two space-delimited values', 'bad_authorization_header', true);
    }
    return parts[1]!;
  }

  private async validatedToken(raw: string): Promise<Token> {
    const messages: { token_class: string; token_type: string; message: string }[] = [];
    for (const TokenKind of this.tokenClasses) {
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
    // An id of a type no user can have (true, a list, an object, a fraction, an integer past 2^53
    // that would round onto another user's) is no identification at all, not a lookup: Simple JWT
    // answers 500 to most of these, and Django would match `true` to user 1. `null` finds no one,
    // as in Django ("User not found").
    const numeric = typeof id === 'number' ? id : typeof id === 'string' && /^\d{1,15}$/.test(id) ? Number(id) : Number.NaN;
    const recognizable = id === null || (this.settings.userIdField === 'id' ? Number.isSafeInteger(numeric) : typeof id === 'string');
    if (!recognizable) throw new InvalidToken('Token contained no recognizable user identification');
    const user = id === null ? null
      : this.settings.userIdField === 'id' ? await this.users.findRecentById(numeric, (this.settings.userCacheTtl ?? 0) * 1000)
      : await this.users.findByUsername(id as string);
    if (!user) throw new AuthenticationFailed('User not found', 'user_not_found', true);
    if (this.settings.checkUserIsActive && !user.isActive) {
      throw new AuthenticationFailed('User is inactive', 'user_inactive', true);
    }
    return user;
  }
}
