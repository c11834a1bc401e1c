import type { RequestCredentials } from '../../auth/index.js';
import { NotAuthenticated } from '../../errors.js';
import type { User } from '../../store/index.js';
import type { ViewRequest } from '../view.js';

/** The signed-in user of a view whose permission required one (`IsAuthenticated`, `IsAdminUser`). */
export function signedInUser(request: ViewRequest): User {
  if (!request.user) throw new NotAuthenticated();
  return request.user;
}

/**
 * What Django's CSRF check reads of a view request: method, headers and the form body. The body
 * is `data`, so the check sees a form's `csrfmiddlewaretoken` whatever the adapter keeps as its
 * raw body.
 */
export function csrfCredentials(request: ViewRequest): RequestCredentials {
  return { method: request.method, headers: request.headers, body: request.data };
}
