import { ACCOUNT_MESSAGES } from '../../accounts/index.js';
import { AllowAny, IsAuthenticated } from '../../auth/index.js';
import type { Tessera } from '../../core/index.js';
import { normalizeUsername, USERNAME_PATTERN, type User } from '../../store/index.js';
import { charField, emailField, validate, type Field } from '../fields.js';
import { objectSchema, stringSchema, type ResponseDoc } from '../route-docs.js';
import { needingFreshLogin } from './reauthenticate-views.js';
import type { View, ViewConfig, ViewReply } from '../view.js';
import { tokenViews } from './token-views.js';
import { signedInUser } from './view-requests.js';

/** Where djoser's views are mounted. */
export interface AccountViewOptions {
  /** Put before every URL (`/auth`); an adapter that mounts under a prefix itself leaves it out. */
  prefix?: string;
}

/**
 * djoser's API (`djoser.urls` + `djoser.urls.jwt`): users, activation, password and username
 * flows, and Simple JWT's views at `jwt/create|refresh|verify/`.
 */
export function accountViews(tessera: Tessera, { prefix = '' }: AccountViewOptions = {}): View[] {
  const { settings, accounts } = tessera;

  const password = () => charField();
  type Extra = Pick<ViewConfig, 'throttle' | 'audit' | 'openapi'>;
  const documented = (extra: Extra): Extra => ({ ...extra, openapi: { tags: ['accounts'], ...extra.openapi } });
  const anyone = (name: string, extra: Extra = {}): ViewConfig => ({ permission: AllowAny, name, description: '', ...documented(extra) });
  const signedIn = (name: string, extra: Extra = {}): ViewConfig => ({ permission: IsAuthenticated, name, description: '', ...documented(extra) });
  // Sensitive changes need a recent login (`freshLoginMaxAge`).
  const recentlySignedIn = (name: string, extra: Extra = {}): ViewConfig => needingFreshLogin(settings, signedIn(name, extra));
  // `loginField: 'email'` (djoser's LOGIN_FIELD): the email is required and the username may be
  // left out (made from the email); the email changes through `set_email/`, read-only in `me/`.
  const byEmail = settings.loginField === 'email';
  const registerFields = {
    email: settings.sendActivationEmail || byEmail ? emailField() : emailField({ required: false, allowBlank: true }),
    username: usernameField({ required: !byEmail }),
    password: password(),
  };
  const emailFields = { email: emailField() };
  const meFields: Record<string, Field<string>> = byEmail ? {} : { email: emailField({ required: false, allowBlank: true }) };
  const setEmailFields = { new_email: emailField(), current_password: password() };
  const deleteFields = { current_password: password() };
  const activationFields = { uid: charField(), token: charField() };
  const setPasswordFields = { new_password: password(), current_password: password() };
  const resetConfirmFields = { uid: charField(), token: charField(), new_password: password() };
  const setUsernameFields = { new_username: usernameField(), current_password: password() };

  const views: View[] = [
    // `users/`: register (anyone) and list (yourself; everyone for staff, djoser's HIDE_USERS).
    {
      method: 'POST',
      url: '/users/',
      config: anyone('User List', {
        throttle: 'register',
        openapi: { summary: 'Register', body: registerFields, responses: { 201: { description: 'Registered.', body: USER_SCHEMA } } },
      }),
      handle: async (request, reply) => {
        const input = validate(request.data, registerFields);
        const user = await accounts.register({
          email: input.email ?? '', password: input.password, ...(input.username === undefined ? {} : { username: input.username }),
        });
        reply.status(201);
        return { email: user.email, username: user.username, id: user.id };
      },
    },
    {
      method: 'GET',
      url: '/users/',
      config: signedIn('User List', {
        openapi: { responses: { 200: { description: 'Yourself; every user for staff.', body: { type: 'array', items: USER_SCHEMA } } } },
      }),
      handle: async (request) => {
        const me = signedInUser(request);
        const users = me.isStaff ? await tessera.store.users.list() : [me];
        return users.map(userBody);
      },
    },

    // `users/me/`: read, update the email (username changes go through set_username), delete.
    {
      method: 'GET',
      url: '/users/me/',
      config: signedIn('Me', { openapi: { responses: { 200: ME } } }),
      handle: (request) => userBody(signedInUser(request)),
    },
    // One view a method, as the docs name each operation by its method.
    ...(['PUT', 'PATCH'] as const).map((method): View => ({
      method,
      url: '/users/me/',
      config: recentlySignedIn('Me', { openapi: { body: meFields, responses: { 200: ME } } }),
      handle: async (request) => {
        const input: { email?: string | undefined } = validate(request.data, meFields);
        const me = signedInUser(request);
        return userBody(input.email === undefined ? me : await accounts.updateEmail(me, input.email));
      },
    })),
    {
      method: 'DELETE',
      url: '/users/me/',
      config: recentlySignedIn('Me', { openapi: { body: deleteFields, responses: { 204: DONE } } }),
      handle: async (request, reply) => {
        const input = validate(request.data, deleteFields);
        await accounts.deleteUser(signedInUser(request), input.current_password);
        return noContent(reply);
      },
    },

    {
      method: 'POST',
      url: '/users/activation/',
      config: anyone('Activation', { openapi: { body: activationFields, responses: { 204: DONE } } }),
      handle: async (request, reply) => {
        const input = validate(request.data, activationFields);
        await accounts.activate(input.uid, input.token);
        return noContent(reply);
      },
    },

    // Each sends an email to the address, as a reset request does: they share its throttle.
    {
      method: 'POST',
      url: '/users/resend_activation/',
      config: anyone('Resend activation', {
        throttle: 'reset',
        openapi: { body: emailFields, responses: { 204: { description: 'Sent, if that account is waiting for activation.' } } },
      }),
      handle: async (request, reply) => {
        const input = validate(request.data, emailFields);
        // djoser answers a bare 400 when activation email is off; otherwise 204 whoever asked.
        if (!(await accounts.resendActivation(input.email))) {
          reply.status(400);
          return undefined;
        }
        return noContent(reply);
      },
    },

    {
      method: 'POST',
      url: '/users/set_password/',
      config: recentlySignedIn('Set password', { audit: 'password_changed', openapi: { body: setPasswordFields, responses: { 204: DONE } } }),
      handle: async (request, reply) => {
        const input = validate(request.data, setPasswordFields);
        await accounts.setPassword(signedInUser(request), input.current_password, input.new_password);
        return noContent(reply);
      },
    },

    {
      method: 'POST',
      url: '/users/reset_password/',
      config: anyone('Reset password', {
        throttle: 'reset', openapi: { body: emailFields, responses: { 204: { description: 'A reset link is emailed if the address has an account.' } } },
      }),
      handle: async (request, reply) => {
        const input = validate(request.data, emailFields);
        await accounts.resetPassword(input.email);
        return noContent(reply);
      },
    },

    {
      method: 'POST',
      url: '/users/reset_password_confirm/',
      config: anyone('Reset password confirm', { throttle: 'reset', audit: 'password_reset', openapi: { body: resetConfirmFields, responses: { 204: DONE } } }),
      handle: async (request, reply) => {
        const input = validate(request.data, resetConfirmFields);
        await accounts.confirmPasswordReset(input.uid, input.token, input.new_password);
        return noContent(reply);
      },
    },

    // djoser's `set_{USERNAME_FIELD}/` when the email is the login: the current password, and an email no other account holds.
    ...(byEmail ? [{
      method: 'POST',
      url: '/users/set_email/',
      config: recentlySignedIn('Set email', { openapi: { body: setEmailFields, responses: { 204: DONE } } }),
      handle: async (request, reply) => {
        const input = validate(request.data, setEmailFields);
        await accounts.setEmail(signedInUser(request), input.current_password, input.new_email);
        return noContent(reply);
      },
    } satisfies View] : []),
    {
      method: 'POST',
      url: '/users/set_username/',
      config: signedIn('Set username', { openapi: { body: setUsernameFields, responses: { 204: DONE } } }),
      handle: async (request, reply) => {
        const input = validate(request.data, setUsernameFields);
        await accounts.setUsername(signedInUser(request), input.current_password, input.new_username);
        return noContent(reply);
      },
    },
  ];

  // djoser.urls.jwt: Simple JWT's own views, answering exactly as they do.
  const jwt = tokenViews(tessera, { obtain: ['/jwt/create/'], refresh: ['/jwt/refresh/'], verify: ['/jwt/verify/'], blacklist: [] });
  return [...views, ...jwt].map((view) => ({ ...view, url: `${prefix}${view.url}` }));
}

const USER_SCHEMA = objectSchema({ email: stringSchema(), username: stringSchema(), id: { type: 'integer' } });
const ME: ResponseDoc = { description: 'The signed-in user.', body: USER_SCHEMA };
const DONE: ResponseDoc = { description: 'Done.' };

/** A 204 with no body (djoser's answer to a done action). */
function noContent(reply: ViewReply): undefined {
  reply.status(204);
  return undefined;
}

/** djoser's `UserSerializer`: `REQUIRED_FIELDS + (id, username)`. */
function userBody(user: User): { email: string; id: number; username: string } {
  return { email: user.email, id: user.id, username: user.username };
}

/**
 * Django's `User.username`: normalized first (`UsernameField`), then 150 characters at most,
 * checked by `UnicodeUsernameValidator`; so the name checked is the name stored.
 */
function usernameField({ required = true } = {}): Field<string> {
  const text = charField({ maxLength: 150 });
  return {
    required,
    schema: { ...text.schema, description: 'Letters, digits and @/./+/-/_ only.' },
    clean(value) {
      const result = text.clean(typeof value === 'string' ? normalizeUsername(value) : value);
      if ('error' in result) return result;
      return USERNAME_PATTERN.test(result.value) ? result : { error: ACCOUNT_MESSAGES.invalidUsername };
    },
  };
}
