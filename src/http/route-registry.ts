import FindMyWay from 'find-my-way';
import type { RouteOptions } from 'fastify';
import { allowHeader } from '../contract/index.js';

/** What the plugin keeps of each route to answer OPTIONS, 405 and `Allow` as DRF does. */
export interface RouteEntry {
  methods: Set<string>;
  /** The config of the URL's first route (its view's name and permission). */
  config: RouteOptions['config'];
  /** Each method's own route config (the fields OPTIONS lists under `actions`). */
  configs: Map<string, RouteOptions['config']>;
  /** `allowHeader(methods)`, made on first use after the last method was added (it is on every answer). */
  allow?: string;
}

/**
 * Every route's URL pattern and methods, matched by the same router Fastify uses, so a request
 * for a known URL with an unknown method gets 405 (not 404) and every answer gets `Allow`.
 */
export class RouteRegistry {
  private readonly router = FindMyWay({ ignoreTrailingSlash: true });
  private readonly entries = new Map<string, RouteEntry>();

  add(route: Pick<RouteOptions, 'url' | 'method' | 'config'>): void {
    const url = route.url;
    let entry = this.entries.get(url);
    if (!entry) {
      entry = { methods: new Set(), config: route.config, configs: new Map() };
      this.entries.set(url, entry);
      const store = entry;
      this.router.on('GET', url, () => {}, store);
    }
    for (const method of [route.method].flat()) {
      entry.methods.add(String(method).toUpperCase());
      entry.configs.set(String(method).toUpperCase(), route.config);
    }
    delete entry.allow;
  }

  /** The entry for a concrete URL (query string ignored). */
  match(url: string): RouteEntry | null {
    const path = url.split('?')[0] ?? url;
    const found = this.router.find('GET', path);
    return found ? (found.store as RouteEntry) : null;
  }

  allowFor(pattern: string | undefined): string | null {
    const entry = pattern === undefined ? undefined : this.entries.get(pattern);
    if (!entry) return null;
    return (entry.allow ??= allowHeader(entry.methods));
  }
}
