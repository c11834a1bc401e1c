import type { Field, FieldSchema } from './fields.js';

/**
 * DRF's `SimpleMetadata`: what `OPTIONS` answers about a view, built from the same field specs
 * the view validates with. Framework-free, so every adapter describes its views alike.
 */

/** One field as `actions` lists it (DRF's `get_field_info`, the attributes tessera's fields have). */
export interface FieldInfo {
  type: string;
  required: boolean;
  read_only: boolean;
  label: string;
  max_length?: number;
}

/** The body of an `OPTIONS` answer. */
export interface ViewMetadata {
  name: string;
  description: string;
  renders: string[];
  parses: string[];
  /** By method (`POST`, `PUT`), the fields the user may send: only where they may send them. */
  actions?: Record<string, Record<string, FieldInfo>>;
}

const RENDERS = ['application/json'];
const PARSES = ['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data'];

/** DRF asks for `actions` of these methods only. */
export const METADATA_ACTION_METHODS = ['PUT', 'POST'] as const;

/** The metadata of a view named `name`, with `actions` when there are any. */
export function viewMetadata(
  view: { name?: string; description?: string }, actions: Record<string, Readonly<Record<string, Field<unknown>>>> = {},
): ViewMetadata {
  const metadata: ViewMetadata = { name: view.name ?? '', description: view.description ?? '', renders: RENDERS, parses: PARSES };
  const described = Object.entries(actions).map(([method, fields]) => [method, serializerInfo(fields)] as const);
  if (described.length > 0) metadata.actions = Object.fromEntries(described);
  return metadata;
}

/** DRF's `get_serializer_info`: every field, in the order the view declares them. */
export function serializerInfo(fields: Readonly<Record<string, Field<unknown>>>): Record<string, FieldInfo> {
  return Object.fromEntries(Object.entries(fields).map(([name, field]) => [name, fieldInfo(name, field)]));
}

function fieldInfo(name: string, field: Field<unknown>): FieldInfo {
  const schema = field.schema ?? {};
  const readOnly = field.readOnly === true;
  const info: FieldInfo = {
    type: fieldType(schema),
    required: readOnly ? false : field.required,
    read_only: readOnly,
    label: typeof schema.title === 'string' ? schema.title : capitalizedName(name),
  };
  if (typeof schema.maxLength === 'number') info.max_length = schema.maxLength;
  return info;
}

/** DRF's field type names (`SimpleMetadata.label_lookup`), from the field's JSON Schema. */
function fieldType(schema: FieldSchema): string {
  if (schema.format === 'email') return 'email';
  if (schema.format === 'date-time') return 'datetime';
  if (schema.format === 'uri') return 'url';
  if (schema.type === 'integer' || schema.type === 'boolean' || schema.type === 'string') return schema.type;
  if (schema.type === 'number') return 'float';
  return 'field';
}

/** Django's `capfirst(name.replace('_', ' '))`, DRF's default label. */
function capitalizedName(name: string): string {
  const words = name.replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
