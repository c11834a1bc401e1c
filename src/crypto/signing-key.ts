import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SettingsError, type Settings } from '../settings/index.js';

export const SIGNING_KEY_FILE = 'signing.key';

/**
 * The configured signing key or, when none is set, one generated once (64 random bytes, hex)
 * and kept in the data folder readable by its owner only, so tokens survive restarts.
 */
export function resolveSigningKey(settings: Pick<Settings, 'signingKey' | 'dataDir'>): string {
  if (settings.signingKey) return settings.signingKey;
  const dir = resolve(settings.dataDir);
  const path = join(dir, SIGNING_KEY_FILE);
  if (existsSync(path)) return readKeyFile(path);
  mkdirSync(dir, { recursive: true });
  const key = randomBytes(64).toString('hex');
  // 'wx' fails if another process created the file first; then use theirs.
  try {
    writeFileSync(path, `${key}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(path, 0o600);
    return key;
  } catch {
    return readKeyFile(path);
  }
}

/** A kept key, refused when it is too short to be one we wrote (empty, truncated, edited). */
function readKeyFile(path: string): string {
  const key = readFileSync(path, 'utf8').trim();
  if (Buffer.byteLength(key) < 32) {
    throw new SettingsError('signingKey', `${path} holds no usable key (under 32 bytes); delete it to have a new one generated`);
  }
  return key;
}
