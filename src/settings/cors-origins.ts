/**
 * django-cors-headers' `CORS_ALLOWED_ORIGINS` as the `corsAllowedOrigins` setting: the origins
 * (scheme, host and port, no path) a browser page may call the API from, with credentials.
 */

/** A JSON array, or a comma-separated list from the environment, of origins (lower-cased, no trailing slash). */
export function parseCorsOrigins(value: unknown): string[] {
  const list = typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter(Boolean) : value;
  if (!Array.isArray(list) || !list.every((entry) => typeof entry === 'string')) {
    throw new Error(`${JSON.stringify(value)} is not a list of origins; use a comma-separated list such as https://app.example.com,http://localhost:5173`);
  }
  return [...new Set((list as string[]).map(originOf))];
}

function originOf(entry: string): string {
  const text = entry.trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`${JSON.stringify(text)} is not an origin; write it as scheme://host[:port], e.g. https://app.example.com`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`${JSON.stringify(text)}: an origin's scheme is http or https`);
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash || url.username || url.password || text.endsWith('/')) {
    throw new Error(`${JSON.stringify(text)} is not an origin: give scheme://host[:port] with no path or trailing slash (django-cors-headers' rule)`);
  }
  return url.origin;
}
