import FindMyWay from 'find-my-way';
import { allowHeader } from './headers.js';
import type { View } from './view.js';

/** The views at one URL pattern: DRF's view class, with a handler per method. */
export interface ViewEntry {
  pattern: string;
  /** Each method's view; HEAD answers with GET's. */
  byMethod: Map<string, View>;
  /** `Allow` as DRF writes it. */
  allow: string;
}

/** A URL matched to its entry, with the path parameters. */
export interface ViewMatch {
  entry: ViewEntry;
  params: Record<string, string>;
}

/**
 * Views by URL for adapters that route themselves: the router Fastify uses (find-my-way), with a
 * trailing slash optional as in the Fastify adapter, so both match the same URLs alike.
 */
export class ViewTable {
  private readonly router = FindMyWay({ ignoreTrailingSlash: true });
  private readonly entries = new Map<string, ViewEntry>();

  constructor(views: readonly View[]) {
    for (const view of views) this.add(view);
    for (const entry of this.entries.values()) entry.allow = allowHeader(entry.byMethod.keys());
  }

  /** The entry for a path (no query string), or null. */
  match(path: string): ViewMatch | null {
    const found = this.router.find('GET', path);
    if (!found) return null;
    return { entry: found.store as ViewEntry, params: found.params as Record<string, string> };
  }

  private add(view: View): void {
    let entry = this.entries.get(view.url);
    if (!entry) {
      entry = { pattern: view.url, byMethod: new Map(), allow: '' };
      this.entries.set(view.url, entry);
      this.router.on('GET', view.url, () => undefined, entry);
    }
    for (const method of [view.method].flat()) entry.byMethod.set(method, view);
  }
}
