import type { Field, FieldSchema } from './fields.js';

/** One documented answer of a route. */
export interface ResponseDoc {
  description: string;
  /** JSON Schema of the JSON body; none for an empty body. */
  body?: FieldSchema;
  /** Response headers worth knowing, by name, with what they carry. */
  headers?: Record<string, string>;
}

/**
 * How the API docs (`/openapi.json`) describe a route, kept next to it in `config.openapi`.
 * Documentation only: nothing here validates or serializes. Authentication, the shared error
 * answers (400, 401, 403, 404, 406, 429, 503) and security come from the rest of the route's
 * config; `responses` adds the route's own answers and overrides a shared one by status.
 */
export interface RouteDocs {
  /** Leaves the route out of the docs (pages and assets that are not API operations). */
  hide?: boolean;
  /** The path parameter a `*` in the URL stands for; wildcard routes without one are left out. */
  wildcard?: string;
  /** Groups in the viewer. */
  tags?: string[];
  /** One line; default `config.name`. */
  summary?: string;
  /** The request body's fields: the same spec object the handler gives `validate`; OPTIONS lists them as DRF's `actions`. */
  body?: Readonly<Record<string, Field<unknown>>>;
  /** A JSON Schema for a body read without `validate`. */
  bodySchema?: FieldSchema;
  /** Query parameters by name. */
  query?: Record<string, { description: string; schema?: FieldSchema }>;
  responses?: Record<number, ResponseDoc>;
}

/** `{type: 'object'}` with these properties, every one of them present unless listed as optional. */
export function objectSchema(properties: Record<string, FieldSchema>, optional: readonly string[] = []): FieldSchema {
  const required = Object.keys(properties).filter((name) => !optional.includes(name));
  return { type: 'object', properties, ...(required.length > 0 ? { required } : {}) };
}

/** A JSON string, optionally described. */
export function stringSchema(description?: string): FieldSchema {
  return description ? { type: 'string', description } : { type: 'string' };
}

/** The `{"detail": "..."}` body most answers without data carry. */
export const DETAIL_SCHEMA: FieldSchema = objectSchema({ detail: stringSchema() });
