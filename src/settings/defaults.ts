import type { Settings } from './types.js';

/** Simple JWT's defaults, plus where the ready server keeps its data. */
export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({
  host: '127.0.0.1',
  port: 8000,
  databaseUrl: 'sqlite:./data/tessera.sqlite3',
  dataDir: './data',
  accessTokenLifetime: 5 * 60,
  refreshTokenLifetime: 24 * 60 * 60,
  rotateRefreshTokens: false,
  blacklistAfterRotation: false,
  updateLastLogin: false,
  algorithm: 'HS256',
  signingKey: '',
  verifyingKey: '',
  audience: null,
  issuer: null,
  leeway: 0,
  authHeaderTypes: ['Bearer'],
  authHeaderName: 'authorization',
  userIdField: 'id',
  userIdClaim: 'user_id',
  tokenTypeClaim: 'token_type',
  jtiClaim: 'jti',
  checkUserIsActive: true,
  bodyLimit: 1024 * 1024,
  logLevel: 'info',
});
