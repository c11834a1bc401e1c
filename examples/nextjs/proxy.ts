/**
 * Next.js 16's proxy (what was middleware.ts; it runs on Node.js): a page request whose access
 * cookie has expired and whose refresh cookie is there is refreshed once per wave, and the new
 * cookies go both ways: `Set-Cookie` to the browser, and the request's `Cookie` header overridden
 * for the server components rendering this same request.
 */
import { NextResponse, type NextRequest } from 'next/server';
import { handOffOnce } from './lib/hand-over.js';

export async function proxy(request: NextRequest): Promise<NextResponse> {
  const { outcome, requestHeaders, setCookie } = await (await handOffOnce()).handOver(request);
  if (outcome === 'unchanged' || outcome === 'unavailable') return NextResponse.next();
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  for (const cookie of setCookie) response.headers.append('set-cookie', cookie);
  return response;
}

export const config = {
  // Pages only: tessera's own views (the refresh view above all) read the cookies as the browser sent them.
  matcher: ['/((?!api/|auth/|gettoken|refreshtoken|verifytoken|studentapi|_next/static|_next/image|favicon.ico).*)'],
};
