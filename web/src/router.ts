import { shallowRef, type Component } from 'vue';

/** One page of the console: a hash pattern such as `/activate/:uid/:token`. */
export interface RouteDef {
  path: string;
  title: string;
  component: Component;
  /** Who may open it: anyone, signed-in users, or staff. */
  access: 'public' | 'user' | 'staff';
  /** Shown only to signed-out visitors (sign in, register): signed-in ones go to their sessions. */
  guestOnly?: boolean;
}

export interface CurrentRoute {
  def: RouteDef | null;
  params: Record<string, string>;
  path: string;
}

/** The route for the current `location.hash`. */
export const current = shallowRef<CurrentRoute>({ def: null, params: {}, path: '/' });

let table: RouteDef[] = [];

/** Matches a hash path against the table. */
export function match(path: string): CurrentRoute {
  const parts = path.split('?')[0]!.split('/').filter(Boolean);
  for (const def of table) {
    const pattern = def.path.split('/').filter(Boolean);
    if (pattern.length !== parts.length) continue;
    const params: Record<string, string> = {};
    const ok = pattern.every((segment, i) => {
      if (segment.startsWith(':')) {
        params[segment.slice(1)] = decodeURIComponent(parts[i]!);
        return true;
      }
      return segment === parts[i];
    });
    if (ok) return { def, params, path };
  }
  return { def: null, params: {}, path };
}

/** Starts following `location.hash`. */
export function startRouter(routes: RouteDef[]): void {
  table = routes;
  const update = () => {
    current.value = match(location.hash.replace(/^#/, '') || '/');
  };
  window.addEventListener('hashchange', update);
  update();
}

/** Goes to a hash path, e.g. `navigate('/sessions')`. */
export function navigate(path: string): void {
  if (location.hash === `#${path}`) current.value = match(path);
  else location.hash = path;
}
