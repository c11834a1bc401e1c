import { TesseraError } from '../errors.js';

/**
 * Django's `ALLOWED_HOSTS` check (`HttpRequest.get_host`), framework-free: absolute links (the
 * API roots, pagination's `next`/`previous`) are built from the request's `Host`, so a request
 * naming a host this server is not known by is refused before any view runs.
 */

/** 400 for a `Host` that is malformed or not in `allowedHosts` (Django's `DisallowedHost`). */
export class DisallowedHost extends TesseraError {
  readonly code = 'disallowed_host';
  constructor(readonly host: string) {
    super(`Invalid HTTP_HOST header: ${JSON.stringify(host.slice(0, 100))}. You may need to add it to allowedHosts (TESSERA_ALLOWED_HOSTS).`);
    this.name = 'DisallowedHost';
  }
}

/** Django's `host_validation_re`: a name or IPv4 address, or a bracketed IPv6 one, then an optional port. */
const HOST_HEADER = /^([a-z0-9.-]+|\[[a-f0-9]*:[a-f0-9.:]+\])(?::[0-9]+)?$/;

/**
 * Django's `split_domain_port`: the host a `Host` header names, lower-cased, without its port and
 * trailing dot; '' when the header is malformed.
 */
export function domainOf(hostHeader: string): string {
  const domain = HOST_HEADER.exec(hostHeader.toLowerCase())?.[1] ?? '';
  return domain.endsWith('.') ? domain.slice(0, -1) : domain;
}

const MAX_REMEMBERED_HOSTS = 64;

/** `allowedHosts` compiled once: exact names, `.domain` patterns (the domain and its subdomains), `*`. */
export class AllowedHosts {
  private readonly any: boolean;
  private readonly exact: Set<string>;
  /** Each `.example.com` pattern as written (its subdomains end with it) and as `example.com`. */
  private readonly domains: string[];
  /**
   * `Host` headers allowed before, as sent: clients send the same one on every request. Only
   * allowed ones, and a few: a stranger's variants fill it once and are then checked every time.
   */
  private readonly allowedBefore = new Set<string>();

  constructor(patterns: readonly string[]) {
    const lower = patterns.map((pattern) => pattern.toLowerCase());
    this.any = lower.includes('*');
    this.exact = new Set(lower.filter((pattern) => !pattern.startsWith('.')));
    this.domains = lower.filter((pattern) => pattern.startsWith('.'));
    for (const pattern of this.domains) this.exact.add(pattern.slice(1));
  }

  /** Django's `validate_host` on `split_domain_port`: a malformed header is refused even with `*`. */
  allows(hostHeader: string): boolean {
    if (this.allowedBefore.has(hostHeader)) return true;
    const domain = domainOf(hostHeader);
    if (!domain) return false;
    const allowed = this.any || this.exact.has(domain) || this.domains.some((pattern) => domain.endsWith(pattern));
    if (allowed && this.allowedBefore.size < MAX_REMEMBERED_HOSTS) this.allowedBefore.add(hostHeader);
    return allowed;
  }
}

/**
 * The host of a request that sent no `Host` (HTTP/1.0): the address it arrived at, as Django
 * falls back to `SERVER_NAME` (PEP 3333). An IPv4 client of a dual-stack socket shows as
 * `::ffff:a.b.c.d`; that is the IPv4 address.
 */
export function hostOfAddress(address: string | undefined): string {
  if (!address) return '';
  const ipv4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (ipv4) return ipv4;
  return address.includes(':') ? `[${address}]` : address;
}
