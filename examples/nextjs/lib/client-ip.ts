/**
 * The client's address, for the throttles and the audit log. Next.js fills `X-Forwarded-For`
 * with the peer only when the request has none, so a client could choose it; this example's
 * server (server.ts) overwrites it with the socket's peer before Next.js sees the request. Behind
 * a proxy you trust, read the header that proxy sets instead (Vercel: `x-real-ip`).
 */
export function clientIp(request: Request): string | undefined {
  return request.headers.get('x-forwarded-for') ?? undefined;
}
