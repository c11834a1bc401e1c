/** A request's headers as the contract reads them: lower-case names, repeated values joined with `, `. */
export type HeaderRecord = Record<string, string | undefined>;

/** What one lazy record holds: the request's `Headers`, values assigned to the record, and the full copy once made. */
class HeaderSource {
  readonly assigned: HeaderRecord = Object.create(null) as HeaderRecord;
  /** Headers read once already (the pipeline reads `Host` three times a request). */
  private readonly seen: HeaderRecord = Object.create(null) as HeaderRecord;
  all: HeaderRecord | null = null;

  constructor(readonly headers: Headers) {}

  read(name: string): string | undefined {
    if (name in this.assigned) return this.assigned[name];
    if (this.all) return this.all[name];
    if (name in this.seen) return this.seen[name];
    let value: string | undefined;
    // `Headers.get` throws on a name that is not a token; as a record, such a name is absent.
    try {
      value = this.headers.get(name) ?? undefined;
    } catch {
      value = undefined;
    }
    this.seen[name] = value;
    return value;
  }

  every(): HeaderRecord {
    if (this.all) return this.all;
    const all = Object.create(null) as HeaderRecord;
    this.headers.forEach((value, name) => { all[name] = value; });
    this.all = all;
    return all;
  }
}

/** One handler for every record (a request allocates only its `HeaderSource` and the proxy). */
const LAZY_RECORD: ProxyHandler<HeaderSource> = {
  get: (source, name) => (typeof name === 'string' ? source.read(name) : undefined),
  has: (source, name) => typeof name === 'string' && source.read(name) !== undefined,
  set: (source, name, value) => {
    if (typeof name !== 'string') return false;
    source.assigned[name] = value as string | undefined;
    return true;
  },
  deleteProperty: () => false,
  ownKeys: (source) => [...new Set([...Object.keys(source.every()), ...Object.keys(source.assigned)])],
  getOwnPropertyDescriptor: (source, name) => {
    if (typeof name !== 'string') return undefined;
    const value = source.read(name);
    return value === undefined ? undefined : { value, writable: true, enumerable: true, configurable: true };
  },
};

/**
 * `request.headers` as a record that reads each header when it is asked for (`Headers.get`),
 * rather than copying them all up front: a request for a view reads four or five of its headers,
 * and a runtime's `Headers` may be lazy itself (@hono/node-server's looks a name up in Node's
 * parsed headers, while iterating it builds a whole WHATWG `Headers`, sorted and validated).
 * Enumerating the record (a spread, `Object.keys`) still sees every header, copied then.
 * Values assigned to the record (a `Host` taken from the URL) are kept beside the request's.
 */
export function lazyHeaders(headers: Headers): HeaderRecord {
  return new Proxy(new HeaderSource(headers), LAZY_RECORD) as unknown as HeaderRecord;
}
