/**
 * Where the client's address comes from. A Web `Request` carries none: the runtime knows the peer
 * (Hono's `getConnInfo`, Deno's `info.remoteAddr`, Bun's `server.requestIP`), and only a proxy
 * the application says it trusts may name another in `X-Forwarded-For`.
 */
export interface ClientIpOptions {
  /**
   * The client's address for a request, for a host that knows it from the request alone (a
   * platform header such as Vercel's `x-real-ip`). When set, it alone decides.
   */
  getClientIp?: (request: Request) => string | undefined;
  /**
   * Proxies in front of the application whose `X-Forwarded-For` to believe, as Express's `trust
   * proxy`: a number of hops, or `true` for all (the left-most address). Default: none, so the
   * header, which any client can send, is ignored.
   */
  trustProxy?: boolean | number;
}

/** The address throttles and the audit log see: `getClientIp`, else the trusted hops of `X-Forwarded-For` back from the peer, else the peer. */
export function clientIpOf(request: Request, peer: string | undefined, options: ClientIpOptions): string {
  if (options.getClientIp) return options.getClientIp(request) ?? '';
  const hops = options.trustProxy === true ? Number.POSITIVE_INFINITY : options.trustProxy || 0;
  if (hops === 0) return peer ?? '';
  const forwarded = request.headers.get('x-forwarded-for');
  if (!forwarded) return peer ?? '';
  // Nearest first: the peer, then each address a proxy appended, right to left.
  const chain = [peer ?? '', ...forwarded.split(',').map((address) => address.trim()).reverse()];
  return chain[Math.min(hops, chain.length - 1)]!;
}
