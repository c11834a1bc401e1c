import { parse as parseQueryString } from 'fast-querystring';
import secureJson from 'secure-json-parse';
import { ParseError } from '../errors.js';
import { pythonJsonError } from './python-json-error.js';

/** A parsed body, or why it did not parse (raised later, when the view reads it: `BodyState`). */
export type ParsedBody = { value: unknown } | { error: ParseError };

/**
 * DRF's JSONParser: Python's json.loads, which refuses a BOM and words its refusals its own way.
 * Only a truly empty body is "no data" (`{}`, so the fields report "required"); whitespace alone
 * is malformed JSON, as in DRF.
 */
export function parseJsonBody(text: string): ParsedBody {
  if (text === '') return { value: {} };
  // secure-json-parse would drop a BOM; Python refuses it.
  let reason = text.startsWith('\ufeff') ? pythonJsonError(text) : null;
  if (reason === null) {
    try {
      // secure-json-parse refuses __proto__ and constructor.prototype keys (prototype poisoning).
      return { value: secureJson.parse(text, { protoAction: 'error', constructorAction: 'error' }) };
    } catch (error) {
      // Python's words for what JSON.parse refused; a prototype key, which Python accepts, keeps ours.
      reason = pythonJsonError(text) ?? (error as Error).message;
    }
  }
  return { error: new ParseError(`JSON parse error - ${reason}`) };
}

const FORM_TYPES = /^(application\/x-www-form-urlencoded|multipart\/form-data)/i;

/**
 * DRF's `request.data` from a parsed body: in a form a repeated key keeps its last value, as in
 * Django's `QueryDict`; JSON is as sent.
 */
export function requestDataOf(body: unknown, contentType: string): unknown {
  if (!FORM_TYPES.test(contentType)) return body;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return body;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    out[key] = Array.isArray(value) ? value[value.length - 1] : value;
  }
  return out;
}

/**
 * DRF's FormParser: `application/x-www-form-urlencoded` into `{name: value}`, a repeated name
 * keeping every value in order (`requestDataOf` keeps the last). The result has no prototype, so
 * a field called `__proto__` is only a field.
 */
export function parseFormBody(text: string): Record<string, string | string[]> {
  return parseQueryString(text) as Record<string, string | string[]>;
}
