import { sql, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import { TesseraError } from '../errors.js';
import { EmailTakenError, foldEmail, lockEmail, lowerEmail } from './emails.js';
import { PrecompiledQuery } from './precompiled.js';
import { RecentUsers } from './recent-users.js';
import type { CoreSchema, UserRow } from './schema.js';
import { normalizeUsername } from './usernames.js';
import { writeTransaction } from './write-transaction.js';

/** A user as Django's `auth.User` has it, in TypeScript's casing. */
export interface User {
  id: number;
  username: string;
  email: string;
  /** Django-encoded hash (`argon2$...`, `pbkdf2_sha256$...`), or `!...` when unusable. */
  password: string;
  firstName: string;
  lastName: string;
  isActive: boolean;
  isStaff: boolean;
  isSuperuser: boolean;
  dateJoined: Date;
  lastLogin: Date | null;
}

export interface NewUser {
  username: string;
  email?: string;
  password: string;
  firstName?: string;
  lastName?: string;
  isActive?: boolean;
  isStaff?: boolean;
  isSuperuser?: boolean;
  dateJoined?: Date;
}

/** How a write treats the email: `unique` (`loginField: 'email'`) refuses one another account holds in any case. */
export interface EmailRule {
  uniqueEmail?: boolean;
}

/** Emails held by more than one account (in any case): how many, and the first few, folded. */
export interface SharedEmails {
  count: number;
  first: string[];
}

export class UsernameTakenError extends TesseraError {
  readonly code = 'username_taken';
  constructor(readonly username: string) {
    super(`a user with username ${JSON.stringify(username)} already exists`);
    this.name = 'UsernameTakenError';
  }
}

/** Reads and writes `auth_user`. */
export class UserRepository {
  /** The lookup every authenticated request makes, compiled once. */
  private readonly byId: PrecompiledQuery<UserRow>;
  /** Users `findRecentById` read lately; every write below forgets the user it changes. */
  private readonly recent = new RecentUsers();

  constructor(private readonly db: Kysely<CoreSchema>) {
    this.byId = new PrecompiledQuery(db, () => db.selectFrom('auth_user').selectAll().where('id', '=', 0));
  }

  /**
   * `findById` for authenticating a request: a user this method read less than `maxAgeMs` ago is
   * answered from memory (see `RecentUsers`); 0 reads the database every time, as Simple JWT does.
   */
  async findRecentById(id: number, maxAgeMs: number): Promise<User | null> {
    if (maxAgeMs <= 0) return this.findById(id);
    const now = Date.now();
    const remembered = this.rememberedById(id, maxAgeMs, now);
    if (remembered) return remembered;
    const mark = this.recent.mark();
    const user = await this.findById(id);
    if (user) this.recent.remember(user, now, mark);
    return user;
  }

  /** The user `findRecentById` read less than `maxAgeMs` ago, from memory alone; undefined when there is none. */
  rememberedById(id: number, maxAgeMs: number, now: number = Date.now()): User | undefined {
    return maxAgeMs > 0 ? this.recent.get(id, maxAgeMs, now) : undefined;
  }

  async findById(id: number): Promise<User | null> {
    // No user has a fractional, infinite or out-of-range id; PostgreSQL would reject the query.
    if (!Number.isSafeInteger(id)) return null;
    const [row] = await this.byId.execute([id]);
    return row ? toUser(row) : null;
  }

  /**
   * The user whose stored username is exactly `username` (case-sensitive, as Django's default
   * `ModelBackend`), else the one named by its normalized form (Django's login form normalizes).
   * Exact first: a name stored before Django normalized usernames, imported as it was, still
   * names its own account, and a token carrying it can never resolve to another user.
   */
  async findByUsername(username: string): Promise<User | null> {
    const normalized = normalizeUsername(username);
    const spellings = normalized === username ? [username] : [username, normalized];
    const rows = await this.db.selectFrom('auth_user').selectAll().where('username', 'in', spellings).execute();
    const row = rows.find((r) => r.username === username) ?? rows[0];
    return row ? toUser(row) : null;
  }

  /**
   * Creates the user with its username normalized; a taken one is a `UsernameTakenError`. With
   * `uniqueEmail`, an email another account holds in any case is an `EmailTakenError`, checked and
   * written in one transaction serialized per email, so of a burst of one address exactly one wins.
   */
  async create(input: NewUser, { uniqueEmail = false }: EmailRule = {}): Promise<User> {
    const user = { ...input, username: normalizeUsername(input.username) };
    if (await this.findByUsername(user.username)) throw new UsernameTakenError(user.username);
    const email = user.email ?? '';
    if (!uniqueEmail || email === '') return this.insert(this.db, user);
    return writeTransaction(this.db, async (trx) => {
      await this.requireFreeEmail(trx, email, null);
      return this.insert(trx, user);
    });
  }

  /** The insert itself: two concurrent creates of one username meet at the unique index. */
  private async insert(db: Kysely<CoreSchema>, user: NewUser): Promise<User> {
    const row = await db
      .insertInto('auth_user')
      .values({
        username: user.username,
        email: user.email ?? '',
        password: user.password,
        first_name: user.firstName ?? '',
        last_name: user.lastName ?? '',
        is_active: user.isActive === false ? 0 : 1,
        is_staff: user.isStaff ? 1 : 0,
        is_superuser: user.isSuperuser ? 1 : 0,
        date_joined: (user.dateJoined ?? new Date()).toISOString(),
        last_login: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow()
      .catch((error: unknown) => {
        if (isUniqueViolation(error)) throw new UsernameTakenError(user.username);
        throw error;
      });
    return toUser(row);
  }

  /** In a write transaction: waits out other writers of this email, then refuses it if an account other than `self` holds it. */
  private async requireFreeEmail(trx: Kysely<CoreSchema>, email: string, self: number | null): Promise<void> {
    const folded = foldEmail(email);
    await lockEmail(trx, folded);
    let holders = trx.selectFrom('auth_user').select('id').where(lowerEmail(trx), '=', folded);
    if (self !== null) holders = holders.where('id', '!=', self);
    if (await holders.executeTakeFirst()) throw new EmailTakenError();
  }

  async setPassword(id: number, encoded: string): Promise<void> {
    await this.changing(id, async () => {
      await this.db.updateTable('auth_user').set({ password: encoded }).where('id', '=', id).execute();
    });
  }

  /**
   * Sets the password (and last login) only while the row still has the password and email `read`
   * was read with, in one conditional UPDATE, so that of writers racing from the same read (one
   * reset link used twenty times at once) exactly one wins, across processes and on both engines.
   * False when the row changed first or is gone.
   */
  async setPasswordIfUnchanged(read: User, encoded: string, lastLogin?: Date): Promise<boolean> {
    return this.changedIfUnchanged(read, { password: encoded, ...(lastLogin ? { last_login: lastLogin.toISOString() } : {}) });
  }

  /** Activates the user only while it is inactive with the password and email `read` had (as `setPasswordIfUnchanged`). */
  async activateIfUnchanged(read: User): Promise<boolean> {
    return this.changedIfUnchanged(read, { is_active: 1 }, { whileInactive: true });
  }

  private async changedIfUnchanged(
    read: User,
    changes: Partial<Pick<UserRow, 'password' | 'last_login' | 'is_active'>>,
    { whileInactive = false } = {},
  ): Promise<boolean> {
    let changed = false;
    await this.changing(read.id, async () => {
      let update = this.db.updateTable('auth_user').set(changes)
        .where('id', '=', read.id)
        .where('password', '=', read.password)
        .where('email', '=', read.email);
      if (whileInactive) update = update.where('is_active', '=', 0);
      const { numUpdatedRows } = await update.executeTakeFirst();
      changed = numUpdatedRows > 0n;
    });
    return changed;
  }

  async setLastLogin(id: number, when: Date): Promise<void> {
    await this.changing(id, async () => {
      await this.db.updateTable('auth_user').set({ last_login: when.toISOString() }).where('id', '=', id).execute();
    });
  }

  /** Every user, by id (djoser's list for staff). */
  async list(): Promise<User[]> {
    const rows = await this.db.selectFrom('auth_user').selectAll().orderBy('id').execute();
    return rows.map(toUser);
  }

  /**
   * Users whose email is `email` (Django's `email=` lookup, or `email__iexact` in ASCII with
   * `ignoringCase`), active or inactive as asked.
   */
  async findByEmail(email: string, isActive: boolean, { ignoringCase = false } = {}): Promise<User[]> {
    const rows = await this.db
      .selectFrom('auth_user')
      .selectAll()
      .where(ignoringCase ? lowerEmail(this.db) : sql.ref('email'), '=', ignoringCase ? foldEmail(email) : email)
      .where('is_active', '=', isActive ? 1 : 0)
      .orderBy('id')
      .execute();
    return rows.map(toUser);
  }

  /**
   * The account `email` names for a login (`loginField: 'email'`): the one user whose email is it
   * in any case, active or not; null for none, for a blank email and when several share it (no
   * login can tell them apart; tessera refuses to start over such a database).
   */
  async findByLoginEmail(email: string): Promise<User | null> {
    if (email === '') return null;
    const rows = await this.db.selectFrom('auth_user').selectAll().where(lowerEmail(this.db), '=', foldEmail(email)).limit(2).execute();
    return rows.length === 1 ? toUser(rows[0]!) : null;
  }

  /** Emails (in any case, blank ones aside) that more than one account holds: how many, and the first `limit` of them. */
  async sharedEmails(limit = 3): Promise<SharedEmails> {
    const shared = this.db.selectFrom('auth_user').select(lowerEmail(this.db).as('folded'))
      .where('email', '!=', '').groupBy(lowerEmail(this.db)).having((eb) => eb.fn.countAll(), '>', 1);
    const [{ n }, first] = await Promise.all([
      this.db.selectFrom(shared.as('shared')).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      shared.orderBy('folded').limit(limit).execute(),
    ]);
    return { count: Number(n), first: first.map((row) => row.folded) };
  }

  /** Changes the username (normalized); a taken one is a `UsernameTakenError`, even under a race. */
  async setUsername(id: number, newUsername: string): Promise<void> {
    const username = normalizeUsername(newUsername);
    await this.changing(id, async () => {
      const other = await this.findByUsername(username);
      if (other && other.id !== id) throw new UsernameTakenError(username);
      await this.db.updateTable('auth_user').set({ username }).where('id', '=', id).execute().catch((error: unknown) => {
        if (isUniqueViolation(error)) throw new UsernameTakenError(username);
        throw error;
      });
    });
  }

  /** Changes the email; with `uniqueEmail`, one another account holds in any case is an `EmailTakenError` (as `create`). */
  async setEmail(id: number, email: string, { uniqueEmail = false }: EmailRule = {}): Promise<void> {
    await this.changing(id, async () => {
      if (!uniqueEmail || email === '') {
        await this.db.updateTable('auth_user').set({ email }).where('id', '=', id).execute();
        return;
      }
      await writeTransaction(this.db, async (trx) => {
        await this.requireFreeEmail(trx, email, id);
        await trx.updateTable('auth_user').set({ email }).where('id', '=', id).execute();
      });
    });
  }

  async setActive(id: number, isActive: boolean): Promise<void> {
    await this.changing(id, async () => {
      await this.db.updateTable('auth_user').set({ is_active: isActive ? 1 : 0 }).where('id', '=', id).execute();
    });
  }

  async setStaff(id: number, isStaff: boolean): Promise<void> {
    await this.changing(id, async () => {
      await this.db.updateTable('auth_user').set({ is_staff: isStaff ? 1 : 0 }).where('id', '=', id).execute();
    });
  }

  /**
   * DRF's `SearchFilter` over username, email, first and last name: every term of `text` (split
   * on spaces and commas) must be in one of them, case-insensitively. One page, by id.
   */
  async search(text: string, page: { offset: number; limit: number }): Promise<User[]> {
    const rows = await this.db
      .selectFrom('auth_user')
      .selectAll()
      .where((eb) => eb.and(searchTerms(text).map((term) => eb.or(USER_SEARCH_FIELDS.map((field) => containsIgnoringCase(field, term))))))
      .orderBy('id')
      .offset(page.offset)
      .limit(page.limit)
      .execute();
    return rows.map(toUser);
  }

  /** How many users `search(text)` finds in all. */
  async countSearch(text: string): Promise<number> {
    const { n } = await this.db
      .selectFrom('auth_user')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where((eb) => eb.and(searchTerms(text).map((term) => eb.or(USER_SEARCH_FIELDS.map((field) => containsIgnoringCase(field, term))))))
      .executeTakeFirstOrThrow();
    return Number(n);
  }

  /**
   * Runs a write to user `id`, forgetting what `findRecentById` read of it before and after: a
   * read on another pooled connection may still see the old row until the write commits.
   */
  private async changing(id: number, write: () => Promise<void>): Promise<void> {
    this.recent.forget(id);
    try {
      await write();
    } finally {
      this.recent.forget(id);
    }
  }

  /** Deletes the user; rows that point at it follow their foreign keys (cascade or set null). */
  async delete(id: number): Promise<void> {
    await this.changing(id, async () => {
      await this.db.deleteFrom('auth_user').where('id', '=', id).execute();
    });
  }

  async count(): Promise<number> {
    const { n } = await this.db
      .selectFrom('auth_user')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(n);
  }
}

const USER_SEARCH_FIELDS = ['username', 'email', 'first_name', 'last_name'] as const;

/** DRF's `search_smart_split`, without its quoted phrases: terms between spaces and commas. */
function searchTerms(text: string): string[] {
  return text.replace(/\0/g, '').split(/[\s,]+/).filter((term) => term !== '');
}

/**
 * Django's `icontains`, the same on SQLite and PostgreSQL: `lower(column) LIKE '%term%'`, with
 * the term's `%`, `_` and backslash matched literally.
 */
function containsIgnoringCase(column: (typeof USER_SEARCH_FIELDS)[number], term: string): RawBuilder<SqlBool> {
  const pattern = `%${term.toLowerCase().replace(/[\\%_]/g, '\\$&')}%`;
  return sql<SqlBool>`lower(${sql.ref(column)}) like ${pattern} escape '\\'`;
}

/** SQLite's and PostgreSQL's (SQLSTATE 23505) unique-constraint errors. */
function isUniqueViolation(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '23505';
}

function toUser(row: UserRow): User {
  return {
    id: row.id,
    username: row.username,
    email: row.email,
    password: row.password,
    firstName: row.first_name,
    lastName: row.last_name,
    isActive: Boolean(row.is_active),
    isStaff: Boolean(row.is_staff),
    isSuperuser: Boolean(row.is_superuser),
    dateJoined: new Date(row.date_joined),
    lastLogin: row.last_login ? new Date(row.last_login) : null,
  };
}
