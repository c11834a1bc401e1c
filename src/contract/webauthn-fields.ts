import type { PasskeyAuthenticationResponse, PasskeyRegistrationResponse } from '../passkeys/index.js';
import { charField, type Field, type FieldSchema } from './fields.js';

/**
 * Fields for WebAuthn's JSON (`RegistrationResponseJSON`, `AuthenticationResponseJSON`) as the
 * browser sends it: each part checked for its shape (base64url strings of sane length), so a bad
 * body is DRF's 400 naming the field, never an exception in the WebAuthn library.
 */

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** A base64url string (WebAuthn's binary values in JSON), at most `maxLength` characters. */
export function base64urlField({ maxLength, required = true }: { maxLength: number; required?: boolean }): Field<string> {
  const text = charField({ maxLength, required, trim: false });
  return {
    required,
    schema: { type: 'string', pattern: BASE64URL.source, maxLength, description: 'base64url, no padding.' },
    clean(value) {
      const result = text.clean(value);
      if ('error' in result) return result;
      return BASE64URL.test(result.value) ? result : { error: 'Enter a valid base64url value.' };
    },
  };
}

/** `type`: always `public-key`. */
function credentialTypeField(): Field<'public-key'> {
  return {
    required: true,
    schema: { type: 'string', enum: ['public-key'] },
    clean: (value) => (value === 'public-key' ? { value } : { error: '"public-key" is the only valid credential type.' }),
  };
}

/** An object whose keys are checked by `fields`; one message for the whole (DRF's nested errors, flattened to a line). */
function objectField<T>(fields: Record<string, Field<unknown>>, { required = true }: { required?: boolean } = {}): Field<T> {
  const properties: Record<string, FieldSchema> = {};
  for (const [name, field] of Object.entries(fields)) properties[name] = field.schema ?? {};
  const requiredNames = Object.entries(fields).filter(([, field]) => field.required).map(([name]) => name);
  return {
    required,
    schema: { type: 'object', properties, ...(requiredNames.length ? { required: requiredNames } : {}) },
    clean(value) {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return { error: 'Expected a dictionary of items.' };
      const input = value as Record<string, unknown>;
      const cleaned: Record<string, unknown> = {};
      for (const [name, field] of Object.entries(fields)) {
        if (input[name] === undefined || input[name] === null) {
          if (field.required) return { error: `${name}: This field is required.` };
          continue;
        }
        const result = field.clean(input[name]);
        if ('error' in result) return { error: `${name}: ${result.error}` };
        cleaned[name] = result.value;
      }
      return { value: cleaned as T };
    },
  };
}

/** A list of transport names (`internal`, `usb`, `hybrid`, ...), kept as hints. */
function transportsField(): Field<string[]> {
  return {
    required: false,
    schema: { type: 'array', items: { type: 'string', maxLength: 32 }, maxItems: 16 },
    clean(value) {
      if (!Array.isArray(value) || value.length > 16 || !value.every((t) => typeof t === 'string' && /^[a-z-]{1,32}$/.test(t))) {
        return { error: 'Expected a list of transport names.' };
      }
      return { value: value as string[] };
    },
  };
}

/** Any JSON object (the client's extension results; not used, only allowed). */
function anyObjectField(): Field<Record<string, unknown>> {
  return {
    required: false,
    schema: { type: 'object' },
    clean: (value) => (value !== null && typeof value === 'object' && !Array.isArray(value)
      ? { value: value as Record<string, unknown> } : { error: 'Expected a dictionary of items.' }),
  };
}

const ID = () => base64urlField({ maxLength: 1400 });
const CLIENT_DATA = () => base64urlField({ maxLength: 8192 });
const common = {
  id: ID(),
  rawId: ID(),
  type: credentialTypeField(),
  clientExtensionResults: anyObjectField(),
  authenticatorAttachment: charField({ required: false, maxLength: 32 }),
};

/** `RegistrationResponseJSON`, what `startRegistration()` answers. */
export const REGISTRATION_RESPONSE_FIELDS = {
  ...common,
  response: objectField<PasskeyRegistrationResponse['response']>({
    clientDataJSON: CLIENT_DATA(),
    attestationObject: base64urlField({ maxLength: 65536 }),
    transports: transportsField(),
  }),
};

/** `AuthenticationResponseJSON`, what `startAuthentication()` answers. */
export const AUTHENTICATION_RESPONSE_FIELDS = {
  ...common,
  response: objectField<PasskeyAuthenticationResponse['response']>({
    clientDataJSON: CLIENT_DATA(),
    authenticatorData: base64urlField({ maxLength: 8192 }),
    signature: base64urlField({ maxLength: 2048 }),
    userHandle: base64urlField({ maxLength: 128, required: false }),
  }),
};

/** The browser's JSON as the ceremonies take it, from validated fields (`clientExtensionResults` defaults to none). */
export function webauthnResponse<R extends { response: unknown }>(input: {
  id: string; rawId: string; type: 'public-key'; response: R['response'];
  clientExtensionResults?: Record<string, unknown>; authenticatorAttachment?: string;
}): R {
  return {
    id: input.id, rawId: input.rawId, type: input.type, response: input.response,
    clientExtensionResults: input.clientExtensionResults ?? {},
    ...(input.authenticatorAttachment !== undefined ? { authenticatorAttachment: input.authenticatorAttachment } : {}),
  } as unknown as R;
}
