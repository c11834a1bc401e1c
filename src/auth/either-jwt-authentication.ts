import type { Settings } from '../settings/index.js';
import type { TokenContext } from '../tokens/index.js';
import { authorizationParts, headerParts } from './authorization-header.js';
import type { Authenticated, Authenticator, RequestCredentials } from './authenticator.js';
import type { DrfJwtAuthentication } from './drf-jwt-authentication.js';
import type { JWTAuthentication } from './jwt-authentication.js';

/**
 * Simple JWT's and djangorestframework-jwt's classes listed together (`['jwt', 'drf-jwt']`), for
 * a project serving both kinds of token while it moves from one package to the other.
 *
 * In DRF the first class that knows the header's scheme decides, so with both classes on one
 * scheme the second could never be reached. Here a header with either class's scheme is read,
 * and the token itself picks the class: a token with Simple JWT's type claim is Simple JWT's,
 * any other is drf-jwt's. A malformed header or an undecodable token gets the answer of the first
 * listed class that knows the scheme; the challenge is the first listed class's.
 */
export class EitherJwtAuthentication implements Authenticator {
  constructor(
    private readonly simple: JWTAuthentication,
    private readonly drf: DrfJwtAuthentication,
    private readonly simpleFirst: boolean,
    private readonly context: TokenContext,
    private readonly settings: Pick<Settings, 'authHeaderName' | 'authHeaderTypes'>,
  ) {}

  async authenticate(request: RequestCredentials): Promise<Authenticated | null> {
    const simpleParts = this.simpleParts(request);
    const simpleSees = simpleParts !== null;
    const drfSees = this.drf.recognises(request);
    // Neither scheme in the header: Simple JWT's class may still read cookie mode's access cookie.
    if (!simpleSees && !drfSees) return this.simple.authenticate(request);
    const first: Authenticator = (this.simpleFirst && simpleSees) || !drfSees ? this.simple : this.drf;

    const parts = first === this.simple ? simpleParts! : authorizationParts(request);
    if (parts.length !== 2) return first.authenticate(request);
    const raw = parts[1]!;
    const kind = this.kindOf(raw);
    if (kind === null) return first.authenticate(request);
    if (kind === 'drf') return { user: await this.drf.authenticateToken(raw), token: null };
    const scheme = this.settings.authHeaderTypes[0]!;
    return this.simple.authenticate({ ...request, headers: { ...request.headers, [this.settings.authHeaderName]: `${scheme} ${raw}` } });
  }

  authenticateHeader(): string {
    return (this.simpleFirst ? this.simple : this.drf).authenticateHeader();
  }

  /** The header split as Simple JWT splits it, when its scheme is one of `authHeaderTypes`. */
  private simpleParts(request: RequestCredentials): string[] | null {
    const header = request.headers[this.settings.authHeaderName];
    if (typeof header !== 'string') return null;
    const parts = headerParts(header);
    return parts.length > 0 && this.settings.authHeaderTypes.includes(parts[0]!) ? parts : null;
  }

  /** Whose token this is, from its unverified claims; null when it does not decode at all. */
  private kindOf(raw: string): 'simple' | 'drf' | null {
    try {
      const claims = this.context.codec.decode(raw, { verify: false });
      return this.context.settings.tokenTypeClaim in claims ? 'simple' : 'drf';
    } catch {
      return null;
    }
  }
}
