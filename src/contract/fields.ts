import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';
import { ValidationError } from '../errors.js';

/**
 * DRF serializer fields, as far as tessera's inputs need them, with DRF's messages word for word.
 * A field turns raw input (JSON value or form string) into a clean value or a list of messages.
 */
export interface Field<T> {
  required: boolean;
  clean(value: unknown): { value: T } | { error: string };
  /** What the field accepts as JSON Schema, for the API docs and OPTIONS (`clean` is the validator). */
  schema?: FieldSchema;
  /** DRF's `read_only`: in the answer, never taken from the body (`validate` skips it). */
  readOnly?: boolean;
}

/** A JSON Schema (2020-12, as OpenAPI 3.1 uses) describing one field. */
export type FieldSchema = Readonly<Record<string, unknown>>;

const MESSAGES = {
  required: 'This field is required.',
  null: 'This field may not be null.',
  blank: 'This field may not be blank.',
  invalidString: 'Not a valid string.',
  invalidInteger: 'A valid integer is required.',
  nullCharacters: 'Null characters are not allowed.',
  maxLength: (n: number) => `Ensure this field has no more than ${n} characters.`,
  maxValue: (n: number) => `Ensure this value is less than or equal to ${n}.`,
  minValue: (n: number) => `Ensure this value is greater than or equal to ${n}.`,
  stringTooLarge: 'String value too large.',
};

export interface CharOptions {
  maxLength?: number;
  required?: boolean;
  /** DRF trims surrounding whitespace by default. */
  trim?: boolean;
}

/** DRF's `CharField`: strings, and numbers turned into strings; not booleans, lists or objects. */
export function charField({ maxLength, required = true, trim = true }: CharOptions = {}): Field<string> {
  return {
    required,
    schema: { type: 'string', minLength: 1, ...(maxLength !== undefined ? { maxLength } : {}) },
    clean(value) {
      if (value === null) return { error: MESSAGES.null };
      if (typeof value === 'number' && Number.isFinite(value)) value = String(value);
      if (typeof value !== 'string') return { error: MESSAGES.invalidString };
      const text = trim ? value.trim() : value;
      if (text === '') return { error: MESSAGES.blank };
      if (text.includes('\0')) return { error: MESSAGES.nullCharacters };
      const surrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.exec(text);
      if (surrogate) {
        const code = surrogate[0].charCodeAt(0).toString(16).toUpperCase();
        return { error: `Surrogate characters are not allowed: U+${code}.` };
      }
      if (maxLength !== undefined && [...text].length > maxLength) return { error: MESSAGES.maxLength(maxLength) };
      return { value: text };
    },
  };
}

export interface EmailOptions {
  required?: boolean;
  /** A model `EmailField(blank=True)`, as Django's `User.email` is: `""` is accepted. */
  allowBlank?: boolean;
  maxLength?: number;
}

/** DRF's `EmailField`: a `CharField` that Django's `EmailValidator` accepts. */
export function emailField({ required = true, allowBlank = false, maxLength = 254 }: EmailOptions = {}): Field<string> {
  const text = charField({ required, maxLength });
  return {
    required,
    schema: { type: 'string', format: 'email', maxLength },
    clean(value) {
      if (allowBlank && typeof value === 'string' && value.trim() === '') return { value: '' };
      const result = text.clean(value);
      if ('error' in result) return result;
      return isEmailAddress(result.value) ? result : { error: 'Enter a valid email address.' };
    },
  };
}

const EMAIL_USER = /^(?:[-!#$%&'*+/=?^_`{}|~0-9A-Z]+(?:\.[-!#$%&'*+/=?^_`{}|~0-9A-Z]+)*|"(?:[\x01-\x08\x0B\x0C\x0E-\x1F!#-[\]-\x7F]|\\[\x01-\x09\x0B\x0C\x0E-\x7F])*")$/i;
const EMAIL_DOMAIN = /^(?:[A-Z0-9](?:[A-Z0-9-]{0,61}[A-Z0-9])?\.)+[A-Z0-9-]{2,63}$/i;

/** Django's `EmailValidator`: dot-atom or quoted local part; a domain, IDN, `localhost` or [IP literal]. */
function isEmailAddress(value: string): boolean {
  const at = value.lastIndexOf('@');
  if (at < 0) return false;
  const user = value.slice(0, at);
  const domain = value.slice(at + 1);
  if (!EMAIL_USER.test(user)) return false;
  if (domain === 'localhost') return true;
  const validDomain = (d: string) => EMAIL_DOMAIN.test(d) && !d.endsWith('-');
  if (validDomain(domain)) return true;
  const literal = /^\[([A-F0-9:.]+)\]$/i.exec(domain);
  if (literal) return isIP(literal[1] ?? '') !== 0;
  const ascii = domainToASCII(domain);
  return ascii !== '' && validDomain(ascii);
}

export interface IntegerOptions {
  required?: boolean;
  min?: number;
  max?: number;
}

/** DRF's `IntegerField`: integers, or strings of one (`"101"`, `"101.0"`), within safe range. */
export function integerField({ required = true, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER }: IntegerOptions = {}): Field<number> {
  return {
    required,
    schema: { type: 'integer', minimum: min, maximum: max },
    clean(value) {
      if (value === null) return { error: MESSAGES.null };
      let n: number;
      if (typeof value === 'number') {
        n = value;
      } else if (typeof value === 'string') {
        if (value.length > 1000) return { error: MESSAGES.stringTooLarge };
        const text = value.trim().replace(/\.0*\s*$/, '');
        n = /^[+-]?\d+$/.test(text) ? Number(text) : Number.NaN;
      } else {
        return { error: MESSAGES.invalidInteger };
      }
      if (!Number.isInteger(n)) return { error: MESSAGES.invalidInteger };
      if (n > max) return { error: MESSAGES.maxValue(max) };
      if (n < min) return { error: MESSAGES.minValue(min) };
      return { value: n };
    },
  };
}

// DRF's `BooleanField.TRUE_VALUES` and `FALSE_VALUES`.
const TRUE_VALUES = new Set<unknown>(['t', 'T', 'y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON', '1', 1, true]);
const FALSE_VALUES = new Set<unknown>(['f', 'F', 'n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF', '0', 0, false]);

/** DRF's `BooleanField`: JSON booleans, 0/1, and the words DRF takes for them (`"true"`, `"off"`, ...). */
export function booleanField({ required = true }: { required?: boolean } = {}): Field<boolean> {
  return {
    required,
    schema: { type: 'boolean' },
    clean(value) {
      if (value === null) return { error: MESSAGES.null };
      if (TRUE_VALUES.has(value)) return { value: true };
      if (FALSE_VALUES.has(value)) return { value: false };
      return { error: 'Must be a valid boolean.' };
    },
  };
}

/**
 * DRF's `read_only=True` field: listed where the serializer's fields are (OPTIONS, the API docs),
 * ignored in a body. `schema.title` is its label when capitalizing its name would not give it (`ID`).
 */
export function readOnlyField(schema: FieldSchema): Field<never> & { readOnly: true } {
  return { required: false, readOnly: true, schema, clean: () => ({ error: 'This field is read only.' }) };
}

type Cleaned<F extends Record<string, Field<unknown>>> = {
  [K in keyof F as F[K] extends { readOnly: true } ? never : K]: F[K] extends Field<infer T> ? T : never
};

/**
 * Validates `data` against `fields` (a serializer's `is_valid`), collecting every field's error.
 * `partial` (PATCH) makes every field optional. Unknown keys are ignored, as in DRF.
 */
export function validate<F extends Record<string, Field<unknown>>>(data: unknown, fields: F): Cleaned<F>;
export function validate<F extends Record<string, Field<unknown>>>(
  data: unknown, fields: F, options: { partial: boolean },
): Partial<Cleaned<F>>;
export function validate<F extends Record<string, Field<unknown>>>(
  data: unknown,
  fields: F,
  { partial = false }: { partial?: boolean } = {},
): Partial<Cleaned<F>> {
  // A JSON `null` body is DRF's "No data provided"; no body at all reads as an empty form.
  if (data === null) throw ValidationError.of('non_field_errors', 'No data provided');
  if (data === undefined) data = {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw ValidationError.of('non_field_errors', `Invalid data. Expected a dictionary, but got ${pythonTypeName(data)}.`);
  }
  const input = data as Record<string, unknown>;
  const errors: Record<string, string[]> = {};
  const cleaned: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(fields)) {
    if (field.readOnly) continue;
    if (!(name in input) || input[name] === undefined) {
      if (field.required && !partial) errors[name] = [MESSAGES.required];
      continue;
    }
    const result = field.clean(input[name]);
    if ('error' in result) errors[name] = [result.error];
    else cleaned[name] = result.value;
  }
  if (Object.keys(errors).length > 0) throw new ValidationError(errors);
  return cleaned as Partial<Cleaned<F>>;
}

/**
 * The JSON Schema of a request body that `validate(data, fields)` accepts, for the API docs: built
 * from the same field specs the handler validates with, so the two cannot drift.
 */
export function fieldsSchema(fields: Readonly<Record<string, Field<unknown>>>): FieldSchema {
  const properties: Record<string, FieldSchema> = {};
  const required: string[] = [];
  for (const [name, field] of Object.entries(fields)) {
    properties[name] = field.readOnly ? { ...field.schema, readOnly: true } : field.schema ?? {};
    if (field.required && !field.readOnly) required.push(name);
  }
  return { type: 'object', properties, ...(required.length > 0 ? { required } : {}) };
}

/** Python's name for a JSON value's type, as DRF's message shows it. */
function pythonTypeName(value: unknown): string {
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'string') return 'str';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  return 'NoneType';
}
