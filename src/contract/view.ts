import type { Permission, ThrottleScope } from '../auth/index.js';
import type { AuthenticationClassName } from '../settings/index.js';
import type { AuditEventType, User } from '../store/index.js';
import type { Token } from '../tokens/index.js';
import type { RouteDocs } from './route-docs.js';

/**
 * A view as DRF declares one, free of any web framework: a URL, a method, DRF's view attributes
 * (`config`) and a handler over plain request and reply objects. Tessera's token, account and
 * session views are written this way once; each adapter mounts them (`tessera/fastify` as routes,
 * `tessera/express` through the contract's `ViewPipeline`), so every adapter answers alike.
 */
export interface View {
  method: ViewMethod | readonly ViewMethod[];
  /** The URL pattern, `:name` for a path parameter (`/studentapi/:id/`). */
  url: string;
  config: ViewConfig;
  /** The answer's body (sent as JSON; `undefined` sends none), or a thrown coded error. */
  handle(request: ViewRequest, reply: ViewReply): unknown;
}

export type ViewMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What a route is recorded as in the audit log (`config.audit`): `login` is `login_succeeded` or `login_failed`. */
export type AuditedAction = 'login' | AuditEventType;

/** DRF's view attributes: `permission_classes`, `authentication_classes`, throttles, and what OPTIONS shows. */
export interface ViewConfig {
  /** DRF's `permission_classes` for this route; authentication runs first. */
  permission?: Permission;
  /** DRF's `authentication_classes` for this route; default `settings.authenticationClasses`. */
  authentication?: AuthenticationClassName[];
  /** Throttles the route as login, refresh, register or password reset (`settings.throttleRates`). */
  throttle?: ThrottleScope;
  /** Records the route's successful answers in the audit log as this event (`login`: succeeded or failed). */
  audit?: AuditedAction;
  /** Shown by OPTIONS, as DRF's view name and docstring. */
  name?: string;
  description?: string;
  /** How the API docs describe the route (documentation only; see `RouteDocs`). */
  openapi?: RouteDocs;
}

/** The request as a view reads it (DRF's `Request`): every adapter gives these. */
export interface ViewRequest {
  readonly method: string;
  /** The path and query as requested. */
  readonly url: string;
  /** Lower-case header names, as Node gives them. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The client's address (behind a proxy, as the adapter's trust settings say). */
  readonly ip: string;
  /** `http` or `https`, for absolute links. */
  readonly protocol: string;
  /** The Host the request named (checked against `allowedHosts` before any view runs). */
  readonly host: string;
  /** Path parameters by name. */
  readonly params: Readonly<Record<string, string>>;
  /** DRF's `request.data`: the parsed body (a form's repeated key keeps its last value). */
  readonly data: unknown;
  /** The authenticated user, or null (DRF's `AnonymousUser`). */
  readonly user: User | null;
  /** The validated token that authenticated the request, if any. */
  readonly auth: Token | null;
}

/** What a view may set on its answer besides the body. */
export interface ViewReply {
  /** The status code (200 unless set). */
  status(code: number): unknown;
  /** A header; `set-cookie` may be given several times and each is sent. */
  header(name: string, value: string): unknown;
}

/** Names a view's own definition, for type inference at the call site. */
export function defineView(view: View): View {
  return view;
}
