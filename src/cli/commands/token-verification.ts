import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  checkCompactJws, codecFromSettings, isAsymmetricAlgorithm, Keyring, keyState, PrivateKeySealing, RemoteJwks, resolveSigningKey, sealedSigningKeyRows, settingsKeys,
  SIGNING_KEY_FILE, TokenBackendError, type PinnedKey, type StoredSigningKey,
} from '../../crypto/index.js';
import { isHmacAlgorithm, systemClock, type Settings } from '../../settings/index.js';
import { databaseOptions, openStore, SigningKeyRepository } from '../../store/index.js';

/**
 * Whether this server would accept `jwt`'s signature and claims, as one line: which key verified
 * it (the HMAC `signingKey`, a database keyring key, the settings key, or a key from `jwkUrl`),
 * or why it does not verify. The keys are the server's: a token naming a `kid` is checked with
 * that key only, pinned to its algorithm; any other token with the HMAC key, when HMAC is configured.
 */
export async function explainVerification(jwt: string, settings: Settings): Promise<string> {
  let header: Readonly<Record<string, unknown>>;
  try {
    header = checkCompactJws(jwt).header;
  } catch {
    return 'invalid: not a well-formed compact JWS (tessera refuses it before any signature check)';
  }
  const hmacSecret = configuredHmacSecret(settings);
  const kid = typeof header.kid === 'string' ? header.kid : undefined;
  const notes: string[] = [];
  let rows: StoredSigningKey[] = [];
  let staticKeys: PinnedKey[] = [];
  let remote: RemoteJwks | null = null;
  if (kid !== undefined) {
    // Only a token naming a kid can be verified by anything but the HMAC key: only then are keys read.
    rows = await readKeyring(settings).catch((error: unknown) => {
      notes.push(`the database keyring could not be read: ${(error as Error).message}`);
      return [];
    });
    staticKeys = settingsKeys(settings);
    if (settings.jwkUrl) {
      remote = new RemoteJwks({
        url: settings.jwkUrl, clock: systemClock, logger: { warn: (message) => void notes.push(message) },
      });
    }
  }
  const keyring = new Keyring({ clock: systemClock, staticKeys, rows: keyRows(rows), remote });
  await keyring.start();
  keyring.close();

  let label: string;
  let alg: string;
  const key = kid === undefined ? undefined : keyring.verifyingKey(kid);
  if (key) {
    alg = key.alg;
    const row = rows.find((candidate) => candidate.kid === kid);
    if (row) label = `database keyring key ${key.kid} (${key.alg}, ${keyState(row, systemClock())})`;
    else if (staticKeys.includes(key)) label = `the settings key ${key.kid} (${key.alg})`;
    else label = `key ${key.kid} (${key.alg}) from jwkUrl ${settings.jwkUrl}`;
  } else if (hmacSecret) {
    alg = settings.algorithm;
    label = `the HMAC signingKey (${settings.algorithm})${kid === undefined ? '' : `; kid ${JSON.stringify(kid)} names no known key`}`;
  } else {
    return whyNoKey(settings, kid, rows, notes);
  }
  if (header.alg !== alg) return `invalid: the header says alg ${JSON.stringify(header.alg)} but ${label} verifies ${alg} only`;

  const codec = codecFromSettings(settings, keyring, hmacSecret, systemClock);
  try {
    // Signature, audience, issuer and times, as the server checks them.
    codec.decode(jwt);
    return `valid: verified with ${label}`;
  } catch (error) {
    const reason = error instanceof TokenBackendError ? error.reason : 'invalid';
    if (reason === 'expired') return `invalid: expired (signature verified with ${label})`;
    if (reason === 'claims') return `invalid: ${claimsProblem(settings)} (checked with ${label})`;
    return `invalid: bad signature (checked with ${label})`;
  }
}

/** The HMAC secret the server would use, without generating one (decoding must not create keys). */
function configuredHmacSecret(settings: Settings): string {
  if (!isHmacAlgorithm(settings.algorithm)) return '';
  if (settings.signingKey) return settings.signingKey;
  return existsSync(join(resolve(settings.dataDir), SIGNING_KEY_FILE)) ? resolveSigningKey(settings) : '';
}

/** The database keyring, read once without migrating (decoding changes nothing). */
async function readKeyring(settings: Settings): Promise<StoredSigningKey[]> {
  const store = openStore(settings.databaseUrl, databaseOptions(settings));
  try {
    return await sealedSigningKeyRows(new SigningKeyRepository(store.database.db), new PrivateKeySealing(settings.keyEncryptionKey)).list();
  } finally {
    await store.close();
  }
}

/** Rows already read, as the keyring's source; the keyring never writes. */
function keyRows(rows: StoredSigningKey[]) {
  const readOnly = async () => {
    throw new Error('read only');
  };
  return { list: async () => rows, insert: readOnly, activate: readOnly, retire: readOnly };
}

/** Why no key can check the token: "not checked: ..." or "invalid: ...". */
function whyNoKey(settings: Settings, kid: string | undefined, rows: StoredSigningKey[], notes: string[]): string {
  const noted = notes.length > 0 ? `; ${notes.join('; ')}` : '';
  if (kid === undefined) {
    if (isHmacAlgorithm(settings.algorithm)) return 'not checked: no signing key is configured and none has been generated yet';
    return `invalid: the token has no kid; with ${settings.algorithm} only tokens naming a known key's kid verify`;
  }
  const row = rows.find((candidate) => candidate.kid === kid);
  if (row && !isAsymmetricAlgorithm(row.alg)) return `invalid: database keyring key ${kid} has an unusable alg ${JSON.stringify(row.alg)}`;
  if (row?.revokedAt) return `invalid: database keyring key ${kid} (${row.alg}) was revoked at ${row.revokedAt.toISOString()}`;
  if (row?.retiresAt) return `invalid: database keyring key ${kid} (${row.alg}) retired at ${row.retiresAt.toISOString()}`;
  const places = [
    'the database keyring', ...(settingsKeys(settings).length ? ['the settings key'] : []), ...(settings.jwkUrl ? [`jwkUrl ${settings.jwkUrl}`] : []),
  ];
  return `invalid: no key with kid ${JSON.stringify(kid)} in ${places.join(', ')}${noted}`;
}

function claimsProblem(settings: Settings): string {
  const wanted = [
    settings.audience ? `aud ${JSON.stringify(settings.audience)}` : null,
    settings.issuer ? `iss ${JSON.stringify(settings.issuer)}` : null,
  ].filter(Boolean);
  return `claims not accepted here (nbf in the future${wanted.length ? `, or not ${wanted.join(' and ')}` : ''})`;
}
