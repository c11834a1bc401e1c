/** HMAC algorithms signed and verified today; asymmetric ones arrive with the keyring. */
export const HMAC_ALGORITHMS = ['HS256', 'HS384', 'HS512'] as const;
export type Algorithm = (typeof HMAC_ALGORITHMS)[number];

/** Every setting tessera reads, with Simple JWT's names in camelCase. Durations are seconds. */
export interface Settings {
  host: string;
  port: number;
  /** `sqlite:PATH` (embedded) — the only engine until PostgreSQL lands. */
  databaseUrl: string;
  /** Folder for the embedded database and the generated signing key. */
  dataDir: string;
  accessTokenLifetime: number;
  refreshTokenLifetime: number;
  rotateRefreshTokens: boolean;
  blacklistAfterRotation: boolean;
  updateLastLogin: boolean;
  algorithm: Algorithm;
  /** Empty means: generate once and keep in `dataDir` (see `resolveSigningKey`). */
  signingKey: string;
  /** Only used by asymmetric algorithms; HMAC verifies with `signingKey`. */
  verifyingKey: string;
  audience: string | null;
  issuer: string | null;
  leeway: number;
  authHeaderTypes: string[];
  /** HTTP header carrying the token, lower-case (Simple JWT's `HTTP_AUTHORIZATION`). */
  authHeaderName: string;
  userIdField: 'id' | 'username';
  userIdClaim: string;
  tokenTypeClaim: string;
  jtiClaim: string;
  checkUserIsActive: boolean;
  /** Largest request body accepted, in bytes. */
  bodyLimit: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}
