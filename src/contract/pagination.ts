/** What pagination reads of a request: its URL (path and query) and where it was sent. */
export interface PagedRequest {
  url: string;
  protocol: string;
  host: string;
}
import { NotFound } from '../errors.js';

/** DRF's `PageNumberPagination` answer. */
export interface PageBody<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

/** Where a page starts and how long it is, for the repository's query. */
export interface PageWindow {
  offset: number;
  limit: number;
}

/** DRF's `PAGE_SIZE` for the staff API. */
export const PAGE_SIZE = 20;

/**
 * DRF's `PageNumberPagination` (Django's `Paginator` with an empty first page allowed): `?page=N`
 * or `?page=last`, absent or empty meaning 1; anything else, or a page past the last, is 404
 * `{"detail": "Invalid page."}`. `next`/`previous` are absolute URLs of this request with `page`
 * replaced (removed for page 1), the query sorted as DRF's `replace_query_param` writes it.
 */
export async function paginate<T>(
  request: PagedRequest,
  count: () => Promise<number>,
  fetch: (window: PageWindow) => Promise<T[]>,
  pageSize = PAGE_SIZE,
): Promise<PageBody<T>> {
  const asked = queryParam(request, 'page') || '1';
  const requested = asked === 'last' ? 'last' : /^\s*\+?\d{1,15}\s*$/.test(asked) ? Number(asked) : null;
  if (requested === null) throw invalidPage();
  const total = await count();
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const number = requested === 'last' ? pages : requested;
  if (number < 1 || number > pages) throw invalidPage();
  const results = await fetch({ offset: (number - 1) * pageSize, limit: pageSize });
  return {
    count: total,
    next: number < pages ? pageUrl(request, number + 1) : null,
    previous: number > 1 ? pageUrl(request, number - 1) : null,
    results,
  };
}

/** A query parameter as Django's `QueryDict.get` reads it: the last value given, else undefined. */
export function queryParam(request: PagedRequest, name: string): string | undefined {
  return new URLSearchParams(queryOf(request.url)).getAll(name).at(-1);
}

function invalidPage(): NotFound {
  return new NotFound('Invalid page.');
}

function queryOf(url: string): string {
  const mark = url.indexOf('?');
  return mark < 0 ? '' : url.slice(mark + 1);
}

/** This request's absolute URL with `page` set to `number` (dropped for page 1), as DRF builds it. */
function pageUrl(request: PagedRequest, number: number): string {
  const mark = request.url.indexOf('?');
  const path = mark < 0 ? request.url : request.url.slice(0, mark);
  const params = new Map<string, string[]>();
  for (const [key, value] of new URLSearchParams(queryOf(request.url))) params.set(key, [...(params.get(key) ?? []), value]);
  if (number === 1) params.delete('page');
  else params.set('page', [String(number)]);
  // Python's `urlencode(sorted(query.items()), doseq=True)`: keys sorted, each value quoted with `quote_plus`.
  const query = [...params.keys()].sort().flatMap((key) => params.get(key)!.map((value) => `${quotePlus(key)}=${quotePlus(value)}`)).join('&');
  return `${request.protocol}://${request.host}${path}${query ? `?${query}` : ''}`;
}

/** Python's `urllib.parse.quote_plus`: only letters, digits and `_.-~` stay as they are; spaces become `+`. */
function quotePlus(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}
