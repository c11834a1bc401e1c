import type { FastifyContextConfig, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Accounts, ACCOUNT_MESSAGES, Outbox } from '../../accounts/index.js';
import { AllowAny, IsAuthenticated } from '../../auth/index.js';
import { resolveSigningKey } from '../../crypto/index.js';
import { NotAuthenticated } from '../../errors.js';
import { normalizeUsername, USERNAME_PATTERN, type User } from '../../store/index.js';
import { requestData } from '../body.js';
import { charField, emailField, validate, type Field } from '../../contract/index.js';
import { objectSchema, stringSchema, type ResponseDoc } from '../../contract/index.js';
import { tokenViews } from '../../contract/index.js';
import { mountViews } from '../mount-views.js';

/**
 * djoser's API (`djoser.urls` + `djoser.urls.jwt`): users, activation, password and username
 * flows, and Simple JWT's views at `jwt/create|refresh|verify/`. Register it with a prefix:
 * `app.register(accountRoutes, { prefix: '/auth' })`, after the `tessera` plugin.
 */
export async function accountRoutes(app: FastifyInstance): Promise<void> {
  const { tessera } = app;
  const { settings } = tessera;
  const outbox = new Outbox(tessera.mailer, ({ to, subject, error }) => {
    // The body carries links with tokens: only who and what are logged.
    app.log.error({ err: error, to, subject }, 'account email could not be sent');
  });
  app.addHook('onClose', async () => outbox.drain());
  const accounts = new Accounts({
    settings,
    users: tessera.store.users,
    hashers: tessera.hashers,
    clock: tessera.clock,
    secret: resolveSigningKey(settings),
    post: (message) => outbox.post(message),
    endSessions: async (userId) => void (await tessera.sessions.endAll(userId, { reason: 'account' })),
  });

  const password = () => charField();
  type Extra = Pick<FastifyContextConfig, 'throttle' | 'audit' | 'openapi'>;
  const documented = (extra: Extra) => ({ ...extra, openapi: { tags: ['accounts'], ...extra.openapi } });
  const anyone = (name: string, extra: Extra = {}) =>
    ({ config: { permission: AllowAny, name, description: '', ...documented(extra) } });
  const signedIn = (name: string, extra: Extra = {}) =>
    ({ config: { permission: IsAuthenticated, name, description: '', ...documented(extra) } });
  const registerFields = {
    email: settings.sendActivationEmail ? emailField() : emailField({ required: false, allowBlank: true }),
    username: usernameField(),
    password: password(),
  };
  const emailFields = { email: emailField() };
  const meFields = { email: emailField({ required: false, allowBlank: true }) };
  const deleteFields = { current_password: password() };
  const activationFields = { uid: charField(), token: charField() };
  const setPasswordFields = { new_password: password(), current_password: password() };
  const resetConfirmFields = { uid: charField(), token: charField(), new_password: password() };
  const setUsernameFields = { new_username: usernameField(), current_password: password() };
  const noContent = (reply: FastifyReply) => reply.code(204).send();

  // `users/`: register (anyone) and list (yourself; everyone for staff, djoser's HIDE_USERS).
  app.post('/users/', anyone('User List', {
    throttle: 'register',
    openapi: { summary: 'Register', body: registerFields, responses: { 201: { description: 'Registered.', body: USER_SCHEMA } } },
  }), async (request, reply) => {
    const input = validate(requestData(request), registerFields);
    const user = await accounts.register({ email: input.email ?? '', username: input.username, password: input.password });
    return reply.code(201).send({ email: user.email, username: user.username, id: user.id });
  });
  app.get('/users/', signedIn('User List', {
    openapi: { responses: { 200: { description: 'Yourself; every user for staff.', body: { type: 'array', items: USER_SCHEMA } } } },
  }), async (request) => {
    const me = currentUser(request);
    const users = me.isStaff ? await tessera.store.users.list() : [me];
    return users.map(userBody);
  });

  // `users/me/`: read, update the email (username changes go through set_username), delete.
  app.get('/users/me/', signedIn('Me', { openapi: { responses: { 200: ME } } }), async (request) => userBody(currentUser(request)));
  for (const method of ['PUT', 'PATCH'] as const) {
    app.route({
      method,
      url: '/users/me/',
      ...signedIn('Me', { openapi: { body: meFields, responses: { 200: ME } } }),
      handler: async (request) => {
        const input = validate(requestData(request), meFields);
        const me = currentUser(request);
        return userBody(input.email === undefined ? me : await accounts.updateEmail(me, input.email));
      },
    });
  }
  app.delete('/users/me/', signedIn('Me', { openapi: { body: deleteFields, responses: { 204: DONE } } }), async (request, reply) => {
    const input = validate(requestData(request), deleteFields);
    await accounts.deleteUser(currentUser(request), input.current_password);
    return noContent(reply);
  });

  app.post('/users/activation/', anyone('Activation', { openapi: { body: activationFields, responses: { 204: DONE } } }), async (request, reply) => {
    const input = validate(requestData(request), activationFields);
    await accounts.activate(input.uid, input.token);
    return noContent(reply);
  });

  // Each sends an email to the address, as a reset request does: they share its throttle.
  app.post('/users/resend_activation/', anyone('Resend activation', {
    throttle: 'reset',
    openapi: { body: emailFields, responses: { 204: { description: 'Sent, if that account is waiting for activation.' } } },
  }), async (request, reply) => {
    const input = validate(requestData(request), emailFields);
    // djoser answers a bare 400 when activation email is off; otherwise 204 whoever asked.
    if (!(await accounts.resendActivation(input.email))) return reply.code(400).send();
    return noContent(reply);
  });

  app.post('/users/set_password/', signedIn('Set password', {
    audit: 'password_changed', openapi: { body: setPasswordFields, responses: { 204: DONE } },
  }), async (request, reply) => {
    const input = validate(requestData(request), setPasswordFields);
    await accounts.setPassword(currentUser(request), input.current_password, input.new_password);
    return noContent(reply);
  });

  app.post('/users/reset_password/', anyone('Reset password', {
    throttle: 'reset', openapi: { body: emailFields, responses: { 204: { description: 'A reset link is emailed if the address has an account.' } } },
  }), async (request, reply) => {
    const input = validate(requestData(request), emailFields);
    await accounts.resetPassword(input.email);
    return noContent(reply);
  });

  app.post('/users/reset_password_confirm/', anyone('Reset password confirm', {
    throttle: 'reset', audit: 'password_reset', openapi: { body: resetConfirmFields, responses: { 204: DONE } },
  }), async (request, reply) => {
    const input = validate(requestData(request), resetConfirmFields);
    await accounts.confirmPasswordReset(input.uid, input.token, input.new_password);
    return noContent(reply);
  });

  app.post('/users/set_username/', signedIn('Set username', { openapi: { body: setUsernameFields, responses: { 204: DONE } } }), async (request, reply) => {
    const input = validate(requestData(request), setUsernameFields);
    await accounts.setUsername(currentUser(request), input.current_password, input.new_username);
    return noContent(reply);
  });

  // djoser.urls.jwt: Simple JWT's own views, answering exactly as they do.
  mountViews(app, tokenViews(app.tessera, { obtain: ['/jwt/create/'], refresh: ['/jwt/refresh/'], verify: ['/jwt/verify/'], blacklist: [] }));
}

const USER_SCHEMA = objectSchema({ email: stringSchema(), username: stringSchema(), id: { type: 'integer' } });
const ME: ResponseDoc = { description: 'The signed-in user.', body: USER_SCHEMA };
const DONE: ResponseDoc = { description: 'Done.' };

/** djoser's `UserSerializer`: `REQUIRED_FIELDS + (id, username)`. */
function userBody(user: User): { email: string; id: number; username: string } {
  return { email: user.email, id: user.id, username: user.username };
}

function currentUser(request: FastifyRequest): User {
  if (!request.user) throw new NotAuthenticated();
  return request.user;
}

/**
 * Django's `User.username`: normalized first (`UsernameField`), then 150 characters at most,
 * checked by `UnicodeUsernameValidator`; so the name checked is the name stored.
 */
function usernameField(): Field<string> {
  const text = charField({ maxLength: 150 });
  return {
    required: true,
    schema: { ...text.schema, description: 'Letters, digits and @/./+/-/_ only.' },
    clean(value) {
      const result = text.clean(typeof value === 'string' ? normalizeUsername(value) : value);
      if ('error' in result) return result;
      return USERNAME_PATTERN.test(result.value) ? result : { error: ACCOUNT_MESSAGES.invalidUsername };
    },
  };
}
