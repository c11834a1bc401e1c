import { Fresh, IsAuthenticated, type Permission } from '../../auth/index.js';
import type { Tessera } from '../../core/index.js';
import { NotFound } from '../../errors.js';
import type { PasskeyAuthenticationResponse, PasskeyRegistrationResponse } from '../../passkeys/index.js';
import type { Passkey } from '../../store/index.js';
import { setAuditSubject } from '../audit-notes.js';
import { CookieMode } from '../cookie-mode.js';
import { charField, validate } from '../fields.js';
import { objectSchema, stringSchema, type ResponseDoc, type RouteDocs } from '../route-docs.js';
import { transportOf } from '../transport.js';
import type { View, ViewConfig, ViewRequest } from '../view.js';
import { AUTHENTICATION_RESPONSE_FIELDS, REGISTRATION_RESPONSE_FIELDS, webauthnResponse } from '../webauthn-fields.js';
import { REAUTHENTICATION_REQUIRED_DOC } from './reauthenticate-views.js';
import { clientOf, INVALID_CREDENTIALS } from './token-views.js';
import { signedInUser } from './view-requests.js';

const PASSKEY_SCHEMA = objectSchema({
  id: { type: 'integer' },
  name: stringSchema(),
  created: { type: 'string', format: 'date-time' },
  last_used: { type: ['string', 'null'], format: 'date-time', description: 'The last sign-in with it; null before the first.' },
  transports: { type: 'array', items: stringSchema(), description: 'How the browser reached the authenticator (`internal`, `hybrid`, `usb`, ...).' },
  backed_up: { type: 'boolean', description: 'Synced to the user\'s other devices (a multi-device passkey).' },
});
const OPTIONS_SCHEMA = objectSchema({ challenge: stringSchema('base64url; good once, for 5 minutes.'), rpId: stringSchema(), timeout: { type: 'integer' } }, ['rpId', 'timeout']);
const REFUSED_BODY = objectSchema({ detail: stringSchema(), code: stringSchema() });
const NOT_VERIFIED: ResponseDoc = {
  description: 'Field errors for a body that is not WebAuthn\'s JSON; `{"detail": ..., "code": "passkey_not_valid"}` when it does not verify (wrong origin or RP ID, no user verification, a challenge used, expired or not this user\'s), `"passkey_exists"` for a credential registered already.',
  body: REFUSED_BODY,
};
const SIGN_IN_REFUSED: ResponseDoc = {
  description: 'Not accepted (`"code": "passkey_not_valid"`: an unknown passkey, a bad signature, a challenge used or expired, a counter that went back); an inactive account is `"no_active_account"`, as at login.',
  body: REFUSED_BODY,
};

/**
 * Passkeys (WebAuthn), on `tessera.passkeys`: the signed-in user registers (`register/options/`
 * then `register/`), lists and removes theirs (`/api/passkeys/`); anyone signs in with one
 * (`/api/token/passkey/options/` then `/api/token/passkey/`), answered as `POST /api/token/` answers,
 * cookie mode and `X-Tessera-Transport` included. Adding and removing need a recent login.
 */
export function passkeyViews(tessera: Tessera): View[] {
  const { settings, passkeys } = tessera;
  const tags = ['passkeys'];
  const fresh = settings.freshLoginMaxAge > 0 ? Fresh(settings.freshLoginMaxAge) : null;
  const signedIn = (name: string, description: string, openapi: RouteDocs, permission: Permission = IsAuthenticated): ViewConfig =>
    ({ permission, name, description, openapi: { tags, ...openapi } });
  // Changes to a second factor need a recent login: a stolen access token cannot plant a passkey.
  const recentlySignedIn = (name: string, description: string, openapi: RouteDocs): ViewConfig => {
    if (!fresh) return signedIn(name, description, openapi);
    return signedIn(name, description, { ...openapi, responses: { ...openapi.responses, 403: REAUTHENTICATION_REQUIRED_DOC } }, fresh);
  };
  const cookiesByDefault = settings.authCookies !== 'off';
  const cookieMode = CookieMode.from(cookiesByDefault ? settings : { ...settings, authCookies: 'refresh' }, tessera.clock)!;
  const inCookie = cookiesByDefault ? ' (in cookie mode it is in the `__Host-tessera-refresh` cookie instead)' : '';
  const registerFields = { ...REGISTRATION_RESPONSE_FIELDS, name: charField({ required: false, maxLength: 200 }) };
  const signInFields = { ...AUTHENTICATION_RESPONSE_FIELDS, device_name: charField({ required: false, maxLength: 200 }) };
  const source = (request: ViewRequest) => ({ ip: request.ip, userAgent: String(request.headers['user-agent'] ?? '').slice(0, 500) });

  return [
    {
      method: 'POST',
      url: '/api/passkeys/register/options/',
      config: recentlySignedIn('Passkey Registration Options', 'Options for `navigator.credentials.create()` (@simplewebauthn/browser\'s `startRegistration`): a new challenge, good once for 5 minutes.', {
        responses: { 200: { description: '`PublicKeyCredentialCreationOptionsJSON`; `excludeCredentials` lists the user\'s passkeys.', body: OPTIONS_SCHEMA } },
      }),
      handle: (request) => passkeys.registrationOptions(signedInUser(request)),
    },
    {
      method: 'POST',
      url: '/api/passkeys/register/',
      config: recentlySignedIn('Passkey Register', 'Takes the browser\'s `RegistrationResponseJSON` (and an optional `name`) and stores the passkey.', {
        body: registerFields,
        responses: { 201: { description: 'The passkey, stored.', body: PASSKEY_SCHEMA }, 400: NOT_VERIFIED },
      }),
      handle: async (request, reply) => {
        const { name, ...input } = validate(request.data, registerFields);
        const passkey = await passkeys.register(signedInUser(request), webauthnResponse<PasskeyRegistrationResponse>(input), name ?? null, source(request));
        reply.status(201);
        return passkeyBody(passkey);
      },
    },
    {
      method: 'GET',
      url: '/api/passkeys/',
      config: signedIn('Passkey List', 'The signed-in user\'s passkeys, oldest first (no key material).', {
        responses: { 200: { description: 'The passkeys.', body: { type: 'array', items: PASSKEY_SCHEMA } } },
      }),
      handle: async (request) => (await passkeys.list(signedInUser(request).id)).map(passkeyBody),
    },
    {
      method: 'DELETE',
      url: '/api/passkeys/:id/',
      config: recentlySignedIn('Passkey Detail', 'Removes one of the signed-in user\'s passkeys.', { responses: { 204: { description: 'Removed.' } } }),
      handle: async (request, reply) => {
        const raw = request.params.id ?? '';
        // Another user's passkey is as absent as one that never was.
        if (!/^\d{1,9}$/.test(raw)) throw new NotFound();
        await passkeys.remove(signedInUser(request), Number(raw), source(request));
        reply.status(204);
        return undefined;
      },
    },
    {
      method: 'POST',
      url: '/api/token/passkey/options/',
      config: {
        authentication: [],
        throttle: 'login',
        name: 'Passkey Sign In Options',
        description: 'Options for `navigator.credentials.get()` (@simplewebauthn/browser\'s `startAuthentication`): a new challenge, good once for 5 minutes; any passkey of this site may answer.',
        openapi: { tags: ['token'], responses: { 200: { description: '`PublicKeyCredentialRequestOptionsJSON` (no `allowCredentials`: discoverable passkeys).', body: OPTIONS_SCHEMA } } },
      },
      handle: () => passkeys.authenticationOptions(),
    },
    {
      method: 'POST',
      url: '/api/token/passkey/',
      config: {
        authentication: [],
        throttle: 'login',
        audit: 'login',
        name: 'Passkey Sign In',
        description: 'Takes the browser\'s `AuthenticationResponseJSON` (and an optional `device_name`) and returns a token pair,\nas `POST /api/token/` does.',
        openapi: {
          tags: ['token'],
          body: signInFields,
          responses: {
            200: {
              description: 'A token pair, as a login answers.',
              body: objectSchema({ refresh: stringSchema(`The refresh token${inCookie}.`), access: stringSchema('The access token.') }, cookiesByDefault ? ['refresh'] : []),
            },
            401: { ...SIGN_IN_REFUSED, description: `${SIGN_IN_REFUSED.description} ${INVALID_CREDENTIALS.description}` },
          },
        },
      },
      handle: async (request, reply) => {
        const cookies = transportOf(request.headers, cookiesByDefault) === 'cookie' ? cookieMode : null;
        const { device_name: deviceName, ...input } = validate(request.data, signInFields);
        const pair = await passkeys.authenticate(
          webauthnResponse<PasskeyAuthenticationResponse>(input),
          { ...clientOf(request), deviceName: deviceName ?? null },
          (user) => setAuditSubject(request, user),
        );
        return cookies ? cookies.loginAnswer(reply, pair) : pair;
      },
    },
  ];
}

function passkeyBody(passkey: Passkey) {
  return {
    id: passkey.id,
    name: passkey.name,
    created: passkey.createdAt.toISOString(),
    last_used: passkey.lastUsedAt?.toISOString() ?? null,
    transports: passkey.transports,
    backed_up: passkey.backedUp,
  };
}
