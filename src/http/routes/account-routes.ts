import type { FastifyContextConfig, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Accounts, ACCOUNT_MESSAGES, Outbox } from '../../accounts/index.js';
import { AllowAny, IsAuthenticated } from '../../auth/index.js';
import { resolveSigningKey } from '../../crypto/index.js';
import { NotAuthenticated } from '../../errors.js';
import { USERNAME_PATTERN, type User } from '../../store/index.js';
import { requestData } from '../body.js';
import { charField, emailField, validate, type Field } from '../fields.js';
import { registerTokenRoutes } from './token-routes.js';

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
    endSessions: async (userId) => {
      const at = new Date(tessera.clock());
      await tessera.revocation.revokeAllForUser(userId, at);
      for (const family of await tessera.store.families.liveFamilies(userId)) await tessera.revocation.revokeFamily(family, at);
    },
  });

  const password = () => charField();
  const anyone = (name: string, extra: Pick<FastifyContextConfig, 'throttle' | 'audit'> = {}) =>
    ({ config: { permission: AllowAny, name, description: '', ...extra } });
  const signedIn = (name: string, extra: Pick<FastifyContextConfig, 'throttle' | 'audit'> = {}) =>
    ({ config: { permission: IsAuthenticated, name, description: '', ...extra } });
  const noContent = (reply: FastifyReply) => reply.code(204).send();

  // `users/`: register (anyone) and list (yourself; everyone for staff, djoser's HIDE_USERS).
  app.post('/users/', anyone('User List', { throttle: 'register' }), async (request, reply) => {
    const input = validate(requestData(request), {
      email: settings.sendActivationEmail ? emailField() : emailField({ required: false, allowBlank: true }),
      username: usernameField(),
      password: password(),
    });
    const user = await accounts.register({ email: input.email ?? '', username: input.username, password: input.password });
    return reply.code(201).send({ email: user.email, username: user.username, id: user.id });
  });
  app.get('/users/', signedIn('User List'), async (request) => {
    const me = currentUser(request);
    const users = me.isStaff ? await tessera.store.users.list() : [me];
    return users.map(userBody);
  });

  // `users/me/`: read, update the email (username changes go through set_username), delete.
  app.get('/users/me/', signedIn('Me'), async (request) => userBody(currentUser(request)));
  for (const method of ['PUT', 'PATCH'] as const) {
    app.route({
      method,
      url: '/users/me/',
      ...signedIn('Me'),
      handler: async (request) => {
        const input = validate(requestData(request), { email: emailField({ required: false, allowBlank: true }) });
        const me = currentUser(request);
        return userBody(input.email === undefined ? me : await accounts.updateEmail(me, input.email));
      },
    });
  }
  app.delete('/users/me/', signedIn('Me'), async (request, reply) => {
    const input = validate(requestData(request), { current_password: password() });
    await accounts.deleteUser(currentUser(request), input.current_password);
    return noContent(reply);
  });

  app.post('/users/activation/', anyone('Activation'), async (request, reply) => {
    const input = validate(requestData(request), { uid: charField(), token: charField() });
    await accounts.activate(input.uid, input.token);
    return noContent(reply);
  });

  app.post('/users/resend_activation/', anyone('Resend activation'), async (request, reply) => {
    const input = validate(requestData(request), { email: emailField() });
    // djoser answers a bare 400 when activation email is off; otherwise 204 whoever asked.
    if (!(await accounts.resendActivation(input.email))) return reply.code(400).send();
    return noContent(reply);
  });

  app.post('/users/set_password/', signedIn('Set password', { audit: 'password_changed' }), async (request, reply) => {
    const input = validate(requestData(request), { new_password: password(), current_password: password() });
    await accounts.setPassword(currentUser(request), input.current_password, input.new_password);
    return noContent(reply);
  });

  app.post('/users/reset_password/', anyone('Reset password', { throttle: 'reset' }), async (request, reply) => {
    const input = validate(requestData(request), { email: emailField() });
    await accounts.resetPassword(input.email);
    return noContent(reply);
  });

  app.post('/users/reset_password_confirm/', anyone('Reset password confirm', { throttle: 'reset', audit: 'password_reset' }), async (request, reply) => {
    const input = validate(requestData(request), { uid: charField(), token: charField(), new_password: password() });
    await accounts.confirmPasswordReset(input.uid, input.token, input.new_password);
    return noContent(reply);
  });

  app.post('/users/set_username/', signedIn('Set username'), async (request, reply) => {
    const input = validate(requestData(request), { new_username: usernameField(), current_password: password() });
    await accounts.setUsername(currentUser(request), input.current_password, input.new_username);
    return noContent(reply);
  });

  // djoser.urls.jwt: Simple JWT's own views, answering exactly as they do.
  registerTokenRoutes(app, { obtain: ['/jwt/create/'], refresh: ['/jwt/refresh/'], verify: ['/jwt/verify/'], blacklist: [] });
}

/** djoser's `UserSerializer`: `REQUIRED_FIELDS + (id, username)`. */
function userBody(user: User): { email: string; id: number; username: string } {
  return { email: user.email, id: user.id, username: user.username };
}

function currentUser(request: FastifyRequest): User {
  if (!request.user) throw new NotAuthenticated();
  return request.user;
}

/** Django's `User.username`: 150 characters at most, checked by `UnicodeUsernameValidator`. */
function usernameField(): Field<string> {
  const text = charField({ maxLength: 150 });
  return {
    required: true,
    clean(value) {
      const result = text.clean(value);
      if ('error' in result) return result;
      return USERNAME_PATTERN.test(result.value) ? result : { error: ACCOUNT_MESSAGES.invalidUsername };
    },
  };
}
