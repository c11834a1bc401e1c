import { createHash, createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../settings/index.js';
import type { SessionRepository, User, UserRepository } from '../store/index.js';

/** Django's `SESSION_COOKIE_NAME`. */
export const SESSION_COOKIE_NAME = 'sessionid';
/** Django's `SESSION_COOKIE_AGE`: two weeks, in seconds. */
export const SESSION_COOKIE_AGE = 60 * 60 * 24 * 7 * 2;
const SESSION_KEY_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789';
const USER_ID_KEY = '_auth_user_id';
const HASH_KEY = '_auth_user_hash';
const HASH_SALT = 'django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash';

export interface SessionManagerDeps {
  sessions: SessionRepository;
  users: UserRepository;
  clock: Clock;
  /** Server secret (the signing key) that keys the password-hash digest, as Django's SECRET_KEY. */
  secret: string;
}

/**
 * Django's `login`, `logout` and `get_user` over the database session backend. A session holds
 * only the user id and an HMAC of the user's password hash (Django's `HASH_SESSION_KEY`), so a
 * password change ends every session made before it.
 */
export class SessionManager {
  constructor(private readonly deps: SessionManagerDeps) {}

  /** Starts a session for `user`, ending `previousKey` (Django cycles the key at login). */
  async login(user: User, previousKey?: string): Promise<{ key: string; maxAge: number }> {
    if (previousKey) await this.deps.sessions.delete(previousKey);
    const key = randomKey();
    await this.deps.sessions.create({
      key,
      data: { [USER_ID_KEY]: String(user.id), [HASH_KEY]: this.authHash(user) },
      expireDate: new Date(this.deps.clock() + SESSION_COOKIE_AGE * 1000),
    });
    return { key, maxAge: SESSION_COOKIE_AGE };
  }

  async logout(key: string): Promise<void> {
    await this.deps.sessions.delete(key);
  }

  /**
   * The active user the session `key` belongs to, or null: unknown or expired key, deleted or
   * inactive user, or a password changed since login (that session is deleted, as Django flushes it).
   */
  async userFor(key: string): Promise<User | null> {
    if (!/^[a-z0-9]{1,40}$/.test(key)) return null;
    const session = await this.deps.sessions.findValid(key, new Date(this.deps.clock()));
    if (!session) return null;
    const id = session.data[USER_ID_KEY];
    const hash = session.data[HASH_KEY];
    if (typeof id !== 'string' || !/^\d{1,15}$/.test(id) || typeof hash !== 'string') return null;
    const user = await this.deps.users.findById(Number(id));
    if (!user || !sameText(hash, this.authHash(user))) {
      await this.deps.sessions.delete(key);
      return null;
    }
    // Django's ModelBackend.get_user refuses inactive users.
    return user.isActive ? user : null;
  }

  /** Django's `salted_hmac(key_salt, password)`, with SHA-256. */
  private authHash(user: User): string {
    const key = createHash('sha256').update(HASH_SALT + this.deps.secret).digest();
    return createHmac('sha256', key).update(user.password).digest('hex');
  }
}

/** Django's session keys: 32 characters of lower-case letters and digits (about 165 bits). */
function randomKey(): string {
  let key = '';
  for (let i = 0; i < 32; i++) key += SESSION_KEY_CHARS[randomInt(SESSION_KEY_CHARS.length)];
  return key;
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
