import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely';
import {
  AllowAny, AuthenticationFailed, EMAIL_TAKEN_MESSAGE, EmailTakenError, normalizeUsername, NotFound, TokenBackendError, UsernameTakenError, validatePassword,
  ValidationError, writeTransaction, type AuthenticationClassName, type Claims, type User,
} from '../index.js';
import { charField, DETAIL_SCHEMA, emailField, objectSchema, requestData, validate } from '../http/index.js';

/**
 * Seed 003's `CreateUserView` at `/api-register/` and `ActivateUser` at `/api-activate/<jwt>/`,
 * written only against the public API.
 *
 * Where this is safer than the seed: the link's token is signed like every other token but
 * carries `token_type: "activation"`, so a login token cannot activate anyone and an activation
 * token cannot log in (Simple JWT refuses its type; drf-jwt's classes refuse any typed token); it
 * is single-use (its `jti` is recorded when used) and lives `passwordResetTimeout` seconds; a
 * used link, a link for an account that is already active, and any token that is not an
 * activation link all answer DRF's bare 401, "Incorrect authentication credentials.", as the
 * seed's view does for a token PyJWT refuses for other reasons.
 */
interface UsedActivationTable {
  jti: string;
  user_id: number;
  used_at: string;
}
type Schema = { example_used_activation: UsedActivationTable };

export const registrationMigrations: Record<string, Migration> = {
  '0004_example_used_activations': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('example_used_activation')
        .addColumn('jti', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('user_id', 'integer', (c) => c.notNull().references('auth_user.id').onDelete('cascade'))
        .addColumn('used_at', 'text', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('example_used_activation').execute();
    },
  },
};

const ACTIVATION = 'activation';
/** The path of an activation link; the server's request log redacts what follows it. */
export const SEED_ACTIVATION_PATH = '/api-activate/';
const USERNAME_CHARACTERS = /^[\p{L}\p{N}@.+\-_]+$/u;
const MESSAGES = {
  username: 'Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.',
  usernameTaken: 'A user with that username already exists.',
  usernameLength: 'Ensure this field has no more than 150 characters.',
};
/** The seed's project uses drf-jwt globally; Simple JWT's tokens are taken too. */
const AUTHENTICATION: AuthenticationClassName[] = ['jwt', 'drf-jwt'];

/** Registers `POST /api-register/` and `GET /api-activate/<token>/`. */
export async function registrationRoutes(app: FastifyInstance): Promise<void> {
  const { tessera } = app;
  const db = tessera.store.database.db.withTables<Schema>();
  const { codec } = tessera.tokenContext;

  const registerFields = { username: charField(), password: charField(), email: emailField() };
  const tags = ['registration'];
  app.post('/api-register/', {
    config: {
      permission: AllowAny, authentication: AUTHENTICATION, name: 'Create User', throttle: 'register',
      openapi: {
        tags,
        body: registerFields,
        responses: {
          201: {
            description: 'Registered, inactive until the emailed link is opened (with `emailUrl: console` the link is in the answer).',
            body: { oneOf: [objectSchema({ confirmation_url: { type: 'string', format: 'uri' } }), DETAIL_SCHEMA] },
          },
        },
      },
    },
  }, async (request, reply) => {
    const data = requestData(request);
    const errors: Record<string, string[]> = {};
    const cleaned: Partial<{ username: string; password: string; email: string }> = {};
    // Field by field, so each field's own checks run whatever the others hold (DRF's `to_internal_value`).
    for (const [name, field] of Object.entries(registerFields)) {
      try {
        Object.assign(cleaned, validate(data, { [name]: field }));
      } catch (error) {
        if (!(error instanceof ValidationError) || 'non_field_errors' in error.fields) throw error;
        Object.assign(errors, error.fields);
      }
    }
    const { email } = cleaned;
    // Django's `UsernameField`: the name is normalized before it is checked, so the name checked is the one stored.
    const username = cleaned.username === undefined ? undefined : normalizeUsername(cleaned.username);
    if (username !== undefined) {
      const problems = [];
      if ([...username].length > 150) problems.push(MESSAGES.usernameLength);
      if (!USERNAME_CHARACTERS.test(username)) problems.push(MESSAGES.username);
      if (await tessera.store.users.findByUsername(username)) problems.push(MESSAGES.usernameTaken);
      if (problems.length > 0) errors.username = problems;
    }
    // `loginField: 'email'`: an email names one account, in any case (Django's `unique=True` message).
    const uniqueEmail = tessera.settings.loginField === 'email';
    if (uniqueEmail && email !== undefined && (await tessera.store.users.findByLoginEmail(email))) errors.email = [EMAIL_TAKEN_MESSAGE];
    // The password as typed (DRF would trim it); blank was refused above.
    const password = cleaned.password === undefined ? undefined : String((data as Record<string, unknown>).password);
    if (password !== undefined) {
      const problems = validatePassword(password, { username: username ?? null, email: email ?? null });
      if (problems.length > 0) errors.password = problems;
    }
    if (Object.keys(errors).length > 0) {
      throw new ValidationError(Object.fromEntries(['username', 'password', 'email'].filter((f) => errors[f]).map((f) => [f, errors[f]!])));
    }

    let user: User;
    try {
      user = await tessera.store.users.create({
        username: username!, email: email!, password: await tessera.hashers.hash(password!), isActive: false,
        dateJoined: new Date(tessera.clock()),
      }, { uniqueEmail });
    } catch (error) {
      if (error instanceof UsernameTakenError) throw ValidationError.of('username', MESSAGES.usernameTaken);
      if (error instanceof EmailTakenError) throw ValidationError.of('email', EMAIL_TAKEN_MESSAGE);
      throw error;
    }
    const link = `${tessera.settings.publicUrl.replace(/\/+$/, '')}${SEED_ACTIVATION_PATH}${activationToken(user)}/`;
    // Development (console email): the link comes back in the answer, as in the seed. With real
    // email it is only mailed, so that only the address's owner can activate the account.
    if (tessera.settings.emailUrl === 'console') return reply.code(201).send({ confirmation_url: link });
    try {
      await tessera.mailer.send({
        to: user.email,
        subject: 'Activate your account',
        text: `Hello ${user.username},\n\nOpen this link to activate your account:\n\n${link}\n\n`
          + `It can be used once, within ${Math.round(tessera.settings.passwordResetTimeout / 3600)} hours.\n`,
      });
    } catch (error) {
      // An account nobody can activate is worse than none: the client may register again.
      await tessera.store.users.delete(user.id);
      throw error;
    }
    return reply.code(201).send({ detail: `Activation link sent to ${user.email}.` });
  });

  function activationToken(user: User): string {
    const now = Math.floor(tessera.clock() / 1000);
    return codec.encode({
      [tessera.settings.tokenTypeClaim]: ACTIVATION,
      user_id: user.id,
      username: user.username,
      email: user.email,
      exp: now + tessera.settings.passwordResetTimeout,
      iat: now,
      jti: randomUUID().replace(/-/g, ''),
    });
  }

  // A wildcard, not `:token`: a JWT is longer than the router's longest parameter.
  app.get<{ Params: { '*': string } }>(`${SEED_ACTIVATION_PATH}*`, {
    config: {
      permission: AllowAny, authentication: AUTHENTICATION, name: 'Activate User',
      openapi: {
        tags,
        wildcard: 'token',
        responses: {
          200: { description: 'Activated.', body: { type: 'array', items: { type: 'string' }, examples: [['User Activated']] } },
          401: { description: 'The link is invalid, expired or used.', body: DETAIL_SCHEMA },
        },
      },
    },
  }, async (request) => {
    // Django's `^api-activate/(?P<token>.+?)/$`; the slashless spelling answers the same.
    const token = request.params['*'].replace(/\/$/, '');
    if (token === '') throw new NotFound();
    let claims: Claims;
    try {
      claims = codec.decode(token);
    } catch (error) {
      if (!(error instanceof TokenBackendError)) throw error;
      if (error.reason === 'expired') throw new AuthenticationFailed('Signature has expired.');
      if (error.reason === 'invalid') throw new AuthenticationFailed('Error decoding signature.');
      throw new AuthenticationFailed();
    }
    const { user_id: userId, jti } = claims;
    if (claims[tessera.settings.tokenTypeClaim] !== ACTIVATION || typeof userId !== 'number' || typeof jti !== 'string') {
      throw new AuthenticationFailed();
    }
    const activated = await writeTransaction(db, async (trx) => {
      const user = await trx.selectFrom('auth_user').select(['id', 'is_active']).where('id', '=', userId).executeTakeFirst();
      if (!user || user.is_active) return false;
      const used = await trx.insertInto('example_used_activation')
        .values({ jti, user_id: user.id, used_at: new Date(tessera.clock()).toISOString() })
        .onConflict((c) => c.column('jti').doNothing())
        .executeTakeFirst();
      if (Number(used.numInsertedOrUpdatedRows ?? 0) === 0) return false;
      // Conditional too, so the write alone decides even without the jti (another path activated it).
      const activation = await trx.updateTable('auth_user').set({ is_active: 1 }).where('id', '=', user.id).where('is_active', '=', 0)
        .executeTakeFirst();
      return activation.numUpdatedRows > 0n;
    });
    if (!activated) throw new AuthenticationFailed();
    return ['User Activated'];
  });
}
