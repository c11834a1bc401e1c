/**
 * The client's address, for the throttles and the audit log. Next.js's server appends the peer's
 * address to `X-Forwarded-For` before the proxy and the routes see the request, so the right-most
 * entry is the peer Next.js itself saw; anything left of it was sent by the client or a proxy. Behind
 * a proxy you trust (Vercel: `x-real-ip`), read that proxy's header instead.
 */
export function clientIp(request: Request): string | undefined {
  return request.headers.get('x-forwarded-for')?.split(',').at(-1)?.trim() || undefined;
}
