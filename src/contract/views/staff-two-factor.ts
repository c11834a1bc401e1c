import { TWO_FACTOR_REQUIRED, type Tessera } from '../../core/index.js';
import { objectSchema, stringSchema } from '../route-docs.js';
import type { View } from '../view.js';
import { signedInUser } from './view-requests.js';

/**
 * The staff API with `twoFactorRequiredForStaff`: each view refuses (403 `two_factor_required`)
 * a staff user without a confirmed second factor, after its own permission passed; they may
 * still sign in and enroll. Off, the views are returned as they are.
 */
export function staffNeedSecondFactor(tessera: Tessera, views: View[]): View[] {
  if (!tessera.settings.twoFactorRequiredForStaff) return views;
  const refusal = {
    description: `A staff user without a second factor (\`"code": "${TWO_FACTOR_REQUIRED}"\`): turn it on at \`POST /api/2fa/totp/\` first.`,
    body: objectSchema({ detail: stringSchema(), code: stringSchema() }),
  };
  return views.map((view) => ({
    ...view,
    config: { ...view.config, openapi: { ...view.config.openapi, responses: { ...view.config.openapi?.responses, 403: refusal } } },
    handle: async (request, reply) => {
      await tessera.twoFactor.assertStaffMayAct(signedInUser(request));
      return view.handle(request, reply);
    },
  }));
}
