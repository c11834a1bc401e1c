/** Headers Django's middleware and DRF put on every answer. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'cross-origin-opener-policy': 'same-origin',
  vary: 'Accept',
};

const DRF_METHOD_ORDER = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

/** `Allow` as DRF writes it: its method order, HEAD with GET, OPTIONS always. */
export function allowHeader(methods: Iterable<string>): string {
  const set = new Set([...methods].map((m) => m.toUpperCase()));
  if (set.has('GET')) set.add('HEAD');
  set.add('OPTIONS');
  return DRF_METHOD_ORDER.filter((m) => set.has(m)).join(', ');
}
