import { TokenBackendError, type Claims } from '../crypto/index.js';
import type { User } from '../store/index.js';
import { addAccessClaims, AUTH_TIME_CLAIM, customClaimsOf, issuesAuthTime, type SessionInfo, type TokenContext } from './context.js';
import { TOKEN_MESSAGES, TokenError } from './errors.js';
import { newJti } from './jti.js';

/**
 * A JWT being built or one that was presented and verified (Simple JWT's `Token`). Subclasses
 * name their type and lifetime; verification throws `TokenError` with the client-facing message.
 */
export abstract class Token {
  /** The `token_type` claim a subclass issues and accepts (a class attribute, as in Simple JWT). */
  static readonly tokenType: string;

  /**
   * Whether the codec may remember a presented token of this class as verified: yes for tokens
   * presented again and again (access, sliding); a class presented once says no.
   */
  static readonly presentedRepeatedly: boolean = true;

  /** Whether tokens of this class authorize requests, and so carry the context's `accessClaims`. */
  static readonly authorizes: boolean = false;

  get tokenType(): string {
    return (this.constructor as typeof Token).tokenType;
  }
  /** Seconds a new token of this class lives. */
  protected abstract lifetime(): number;

  readonly payload: Claims;
  /** The JWT as presented, or null for a token being built. */
  readonly token: string | null;
  /** Seconds since the epoch when this object was made; new claims count from it. */
  readonly currentTime: number;

  /** Builds a new token (type, `exp`, `iat`, `jti`, in Simple JWT's order), or wraps a presented one. */
  constructor(
    readonly context: TokenContext,
    presented?: { token: string; payload: Claims },
  ) {
    this.currentTime = Math.floor(context.clock() / 1000);
    this.token = presented?.token ?? null;
    this.payload = presented?.payload ?? {};
    if (!presented) {
      this.payload[context.settings.tokenTypeClaim] = this.tokenType;
      this.setExp();
      this.setIat();
      this.setJti();
    }
  }

  /**
   * Decodes and verifies a presented JWT as this class; throws `TokenError` with the client's
   * message. `verify: 'signature'` checks the signature (and what the codec checks) but leaves the
   * claim checks of `verify()` to the caller.
   */
  static async fromString<T extends Token>(
    this: TokenClass<T>,
    context: TokenContext,
    token: string,
    { verify = true }: { verify?: boolean | 'signature' } = {},
  ): Promise<T> {
    // A kid this process does not know yet (rotated on another node, or upstream) reloads the keys first.
    if (verify) await context.codec.prepare(token);
    const instance = Token.decoded.call(this, context, token, verify !== false) as T;
    if (verify === true) await instance.verify();
    return instance;
  }

  /**
   * `fromString`'s decoding alone, synchronously: the presented JWT as this class, its signature
   * checked when `verifySignature` (its key must be known: see `JwtCodec.unknownKid`), its claims
   * not yet (`verify`).
   */
  static decoded<T extends Token>(this: TokenClass<T>, context: TokenContext, token: string, verifySignature: boolean): T {
    let payload: Claims;
    try {
      payload = context.codec.decode(token, { verify: verifySignature, remember: (this as unknown as typeof Token).presentedRepeatedly });
    } catch (error) {
      if (error instanceof TokenBackendError) throw new TokenError(TOKEN_MESSAGES.invalidOrExpired);
      throw error;
    }
    return new this(context, { token, payload });
  }

  /**
   * A new token for `user` at a login: the user id claim, the login's time (`auth_time`, while
   * `freshLoginMaxAge` is on), then the context's custom claims.
   */
  static async forUser<T extends Token>(this: TokenClass<T>, context: TokenContext, user: User, session?: SessionInfo): Promise<T> {
    const instance = new this(context);
    instance.set(context.settings.userIdClaim, userIdOf(context, user));
    if (issuesAuthTime(context)) instance.set(AUTH_TIME_CLAIM, instance.currentTime);
    Object.assign(instance.payload, await customClaimsOf(context, user));
    if ((this as unknown as typeof Token).authorizes) await addAccessClaims(context, instance, user);
    await instance.issued(user, session);
    return instance;
  }

  /** Called once a token for a user is complete; the blacklist records refresh tokens here (and a session starts). */
  protected async issued(_user: User, _session?: SessionInfo): Promise<void> {}

  get(claim: string): unknown {
    return this.payload[claim];
  }

  set(claim: string, value: unknown): void {
    this.payload[claim] = value;
  }

  /** The signed JWT. */
  toString(): string {
    return this.context.codec.encode(this.payload);
  }

  get jti(): string {
    return String(this.payload[this.context.settings.jtiClaim]);
  }

  /** `exp` as seconds since the epoch. */
  get exp(): number {
    return Number(this.payload.exp);
  }

  setJti(): void {
    this.payload[this.context.settings.jtiClaim] = newJti();
  }

  setExp(claim = 'exp', fromTime = this.currentTime, lifetime = this.lifetime()): void {
    this.payload[claim] = fromTime + lifetime;
  }

  setIat(claim = 'iat', atTime = this.currentTime): void {
    this.payload[claim] = atTime;
  }

  /** Throws unless `claim` is a time still in the future (give or take the leeway). */
  checkExp(claim = 'exp', currentTime = this.currentTime): void {
    const value = this.payload[claim];
    if (value === undefined) throw new TokenError(TOKEN_MESSAGES.noClaim(claim));
    if (typeof value !== 'number' || value <= currentTime - this.context.settings.leeway) {
      throw new TokenError(TOKEN_MESSAGES.claimExpired(claim));
    }
  }

  /** Simple JWT's `Token.verify`: an `exp`, an id, the right type; subclasses add their checks. */
  async verify(): Promise<void> {
    this.checkClaims();
  }

  /**
   * The checks of `verify` that need nothing but the token and this process's memory: for the
   * base class all of them (`exp`, an id, the right type). A subclass whose `verify` asks the
   * database (the blacklist) keeps that out of here.
   */
  checkClaims(): void {
    this.checkExp();
    // A jti that is not a string cannot be looked up in the blacklist: it is no id.
    if (typeof this.payload[this.context.settings.jtiClaim] !== 'string') throw new TokenError(TOKEN_MESSAGES.noId);
    this.verifyTokenType();
  }

  verifyTokenType(): void {
    const type = this.payload[this.context.settings.tokenTypeClaim];
    if (type === undefined) throw new TokenError(TOKEN_MESSAGES.noType);
    if (type !== this.tokenType) throw new TokenError(TOKEN_MESSAGES.wrongType);
  }
}

export type TokenClass<T extends Token> = new (context: TokenContext, presented?: { token: string; payload: Claims }) => T;

/** The user id claim for `user`: a number stays a number, anything else becomes a string. */
function userIdOf(context: TokenContext, user: User): number | string {
  const id = user[context.settings.userIdField];
  return typeof id === 'number' && Number.isInteger(id) ? id : String(id);
}
