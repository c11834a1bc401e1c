import { Fresh, IsAuthenticated, type Permission } from '../../auth/index.js';
import type { Tessera } from '../../core/index.js';
import { charField, validate } from '../fields.js';
import { objectSchema, stringSchema, type ResponseDoc, type RouteDocs } from '../route-docs.js';
import type { View, ViewConfig } from '../view.js';
import { REAUTHENTICATION_REQUIRED_DOC } from './reauthenticate-views.js';
import { signedInUser } from './view-requests.js';

/** Where the signed-in user manages their second factor. */
export const TWO_FACTOR_URLS = {
  status: '/api/2fa/',
  totp: '/api/2fa/totp/',
  confirm: '/api/2fa/totp/confirm/',
  recoveryCodes: '/api/2fa/recovery-codes/',
} as const;

const RECOVERY_CODES: ResponseDoc = {
  description: 'Ten recovery codes (`xxxxx-xxxxx`), each good for one login; shown this once (only their hashes are kept).',
  body: objectSchema({ recovery_codes: { type: 'array', items: stringSchema(), minItems: 10, maxItems: 10 } }),
};
const FIELD_ERRORS: ResponseDoc = {
  description: 'A wrong code (`{"code": ["Invalid code."]}`), or the step out of order (`non_field_errors`).',
  body: { $ref: '#/components/schemas/ValidationErrors' },
};

/**
 * The signed-in user's second factor: `GET /api/2fa/` (the state), `POST /api/2fa/totp/` (a new
 * pending TOTP device: secret and `otpauth://` URI), `POST /api/2fa/totp/confirm/` (a code from
 * it turns it on; answers the recovery codes), `DELETE /api/2fa/totp/` (off) and
 * `POST /api/2fa/recovery-codes/` (new ones). Every change needs a recent login (`Fresh`), as the
 * other sensitive routes, and is audited.
 */
export function twoFactorViews(tessera: Tessera): View[] {
  const maxAge = tessera.settings.freshLoginMaxAge;
  // With fresh login off, as the other sensitive routes: signed in is enough.
  const changing: Permission = maxAge > 0 ? Fresh(maxAge) : IsAuthenticated;
  const stale: Record<number, ResponseDoc> = maxAge > 0 ? { 403: REAUTHENTICATION_REQUIRED_DOC } : {};
  const config = (name: string, description: string, openapi: RouteDocs, extra: Partial<ViewConfig> = {}): ViewConfig => ({
    permission: changing, name, description, ...extra,
    openapi: { tags: ['two-factor'], ...openapi, responses: { ...openapi.responses, ...stale } },
  });
  const codeFields = { code: charField({ maxLength: 32 }) };

  return [
    {
      method: 'GET',
      url: TWO_FACTOR_URLS.status,
      config: {
        permission: IsAuthenticated,
        name: 'Two Factor Status',
        description: 'Whether the signed-in user\'s logins need a TOTP code, how many recovery codes are left, and whether they must have a second factor.',
        openapi: {
          tags: ['two-factor'],
          responses: {
            200: {
              description: 'The state of the second factor.',
              body: objectSchema({ totp: { type: 'boolean' }, recovery_codes_left: { type: 'integer' }, required: { type: 'boolean' } }),
            },
          },
        },
      },
      handle: async (request) => {
        const status = await tessera.twoFactor.status(signedInUser(request));
        return { totp: status.totp, recovery_codes_left: status.recoveryCodesLeft, required: status.required };
      },
    },
    {
      method: 'POST',
      url: TWO_FACTOR_URLS.totp,
      config: config('Two Factor TOTP', 'Starts (or restarts) enrollment of a TOTP device: its secret and `otpauth://` URI (for a QR code), shown this once. Confirm it with a code at `totp/confirm/`.', {
        responses: {
          200: {
            description: 'A pending device (SHA1, 6 digits, 30 s): nothing changes until it is confirmed.',
            body: objectSchema({ secret: stringSchema('Base32, for typing into an authenticator app.'), otpauth_url: stringSchema('`otpauth://totp/<issuer>:<username>?...`') }),
          },
          400: { description: 'Two-factor authentication is on already (`non_field_errors`): turn it off first.', body: { $ref: '#/components/schemas/ValidationErrors' } },
        },
      }),
      handle: async (request) => {
        const { secret, otpauthUrl } = await tessera.twoFactor.beginTotp(signedInUser(request));
        return { secret, otpauth_url: otpauthUrl };
      },
    },
    {
      method: 'DELETE',
      url: TWO_FACTOR_URLS.totp,
      config: config('Two Factor TOTP', 'Turns the second factor off: the TOTP device and the recovery codes are deleted.', {
        responses: { 204: { description: 'Off (or was).' } },
      }, { audit: 'two_factor_disabled' }),
      handle: async (request, reply) => {
        await tessera.twoFactor.disableTotp(signedInUser(request));
        reply.status(204);
        return undefined;
      },
    },
    {
      method: 'POST',
      url: TWO_FACTOR_URLS.confirm,
      config: config('Two Factor TOTP Confirm', 'Takes a code from the pending device and turns the second factor on: from now on a password login asks for a code.', {
        body: codeFields,
        responses: { 200: RECOVERY_CODES, 400: FIELD_ERRORS },
      }, { audit: 'two_factor_enabled', throttle: 'login' }),
      handle: async (request) => {
        const { code } = validate(request.data, codeFields);
        return { recovery_codes: await tessera.twoFactor.confirmTotp(signedInUser(request), code) };
      },
    },
    {
      method: 'POST',
      url: TWO_FACTOR_URLS.recoveryCodes,
      config: config('Two Factor Recovery Codes', 'Ten new recovery codes in place of the old ones.', {
        responses: { 200: RECOVERY_CODES, 400: { description: 'Two-factor authentication is off (`non_field_errors`).', body: { $ref: '#/components/schemas/ValidationErrors' } } },
      }, { audit: 'recovery_codes_regenerated' }),
      handle: async (request) => ({ recovery_codes: await tessera.twoFactor.regenerateRecoveryCodes(signedInUser(request)) }),
    },
  ];
}
