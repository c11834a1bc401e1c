/**
 * Django's `ALLOWED_HOSTS` as the `allowedHosts` setting: host names (no port) a request's `Host`
 * may name, `.example.com` for a domain and its subdomains, `*` for any, IPv6 in brackets.
 */

/** Where a server on this machine is reached without configuring anything. */
export const LOCAL_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

/** A host name or IPv4 address, optionally with Django's leading dot; or a bracketed IPv6 address. */
const HOST_PATTERN = /^(\.?[a-z0-9-]+(\.[a-z0-9-]+)*|\[[a-f0-9]*:[a-f0-9.:]+\])$/;

/** A JSON array, or a comma-separated list from the environment, of host patterns (lower-cased). */
export function parseAllowedHosts(value: unknown): string[] {
  const list = typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter(Boolean) : value;
  if (!Array.isArray(list) || !list.every((entry) => typeof entry === 'string')) {
    throw new Error(`${JSON.stringify(value)} is not a list of host names; use a comma-separated list such as api.example.com,.example.org`);
  }
  if (list.length === 0) throw new Error('must name at least one host; use * to allow any');
  const hosts = (list as string[]).map((entry) => entry.trim().toLowerCase());
  for (const host of hosts) {
    if (host !== '*' && !HOST_PATTERN.test(host)) throw new Error(`${JSON.stringify(host)} ${hostProblem(host)}`);
  }
  return [...new Set(hosts)];
}

function hostProblem(host: string): string {
  if (host.includes('://') || host.includes('/')) return 'is a URL; give the host name alone (api.example.com)';
  if (/^[^[]*:.*:/.test(host)) return 'is an IPv6 address; write it in brackets ([::1])';
  if (host.includes(':')) return 'has a port; give the host name alone (the port is not checked)';
  return 'is not a host name; use api.example.com, .example.com (and its subdomains), an IP address, [::1] or *';
}

/** The default: the host of `publicUrl` (where links send users) and this machine's own names. */
export function defaultAllowedHosts(publicUrl: string): string[] {
  const publicHost = publicUrl ? new URL(publicUrl).hostname.toLowerCase() : '';
  return [...new Set([publicHost, ...LOCAL_HOSTS].filter(Boolean))];
}
