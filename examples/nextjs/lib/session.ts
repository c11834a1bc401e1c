/** Who is signed in, for server components: the access cookie of this request, as the proxy left it. */
import { headers } from 'next/headers';
import { AllowAny, type User } from '../../../src/index.js';
import { tesseraWebOnce } from './web.js';

/**
 * The user the request's access cookie is for, or null (no cookie, an expired or refused token).
 * `headers()` are the request's as the proxy handed them over: after a refresh, the new access
 * token is in its `Cookie` header, though the browser has not stored it yet.
 */
export async function currentUser(): Promise<User | null> {
  // headers() first: it makes the page dynamic, so `next build` does not render it (nor open the database).
  const requestHeaders = await headers();
  const web = await tesseraWebOnce();
  // authenticate reads the method and headers only; the URL's host is for allowedHosts.
  const request = new Request('http://localhost/', { headers: requestHeaders });
  try {
    return (await web.authenticate(request, AllowAny)).user;
  } catch (error) {
    // A refused token is "signed out"; anything else (the database down) is the error page's.
    if (web.errorResponse(error).status >= 500) throw error;
    return null;
  }
}
