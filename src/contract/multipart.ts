import { Busboy, type BusboyInstance } from '@fastify/busboy';
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { ParseError } from '../errors.js';
import { PayloadTooLarge } from './http-errors.js';

/** Per-part limits; the body as a whole is held to the adapter's body limit, as JSON and forms are. */
const LIMITS = { fields: 100, fieldSize: 1024 * 1024, files: 10, fileSize: 1024 * 1024, parts: 1000 };

/** A field's value, or a file's content; a name sent more than once keeps every value, in order. */
export type MultipartBody = Record<string, string | Buffer | (string | Buffer)[]>;

const tooLarge = () => new PayloadTooLarge();
/** Django's wording: `Multipart form parse error - Invalid boundary in multipart: None`. */
const malformed = (reason: string) => new ParseError(`Multipart form parse error - ${reason}`);

/**
 * DRF's MultiPartParser over a request stream: the whole body is read into
 * `{name: value}`, files as Buffers. Past any limit the answer is a 413, never a value cut short
 * (busboy truncates silently). Names that exist on Object.prototype are refused, so a field called
 * `__proto__` cannot reach an object's prototype later.
 */
export function parseMultipart(
  headers: IncomingHttpHeaders, payload: Readable, bodyLimit: number, done: (error: Error | null, body?: MultipartBody) => void,
): void {
  // A refused body is still read to its end (and dropped), so the answer goes out on a connection
  // still in sync.
  const refuse = (error: Error) => {
    payload.resume();
    done(error);
  };
  // A body declared too large is refused before a byte of it is read.
  if (Number(headers['content-length']) > bodyLimit) return refuse(tooLarge());
  let busboy: BusboyInstance;
  try {
    busboy = new Busboy({ headers: headers as IncomingHttpHeaders & { 'content-type': string }, limits: LIMITS });
  } catch (error) {
    // A missing boundary, or one longer than RFC 2046 allows.
    const message = (error as Error).message;
    return refuse(malformed(message === 'Multipart: Boundary not found' ? 'Invalid boundary in multipart: None' : message));
  }

  const body: MultipartBody = Object.create(null) as MultipartBody;
  let settled = false;
  const settle = (error: Error | null) => {
    if (settled) return;
    settled = true;
    payload.unpipe(busboy);
    if (error) refuse(error);
    else done(null, body);
  };
  const add = (name: string, value: string | Buffer) => {
    const earlier = body[name];
    if (earlier === undefined) body[name] = value;
    else if (Array.isArray(earlier)) earlier.push(value);
    else body[name] = [earlier, value];
  };
  const refusedName = (name: string) => name in Object.prototype;

  let received = 0;
  payload.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (received > bodyLimit) settle(tooLarge());
  });
  busboy.on('field', (name, value, nameTruncated, valueTruncated) => {
    if (refusedName(name)) return settle(malformed('prototype property is not allowed as field name'));
    if (nameTruncated || valueTruncated) return settle(tooLarge());
    add(name, value);
  });
  busboy.on('file', (name, stream) => {
    if (refusedName(name)) {
      stream.resume();
      return settle(malformed('prototype property is not allowed as field name'));
    }
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('limit', () => settle(tooLarge()));
    stream.on('error', (error: Error) => settle(malformed(error.message)));
    stream.on('end', () => {
      if (!stream.truncated) add(name, Buffer.concat(chunks));
    });
  });
  busboy.on('partsLimit', () => settle(tooLarge()));
  busboy.on('filesLimit', () => settle(tooLarge()));
  busboy.on('fieldsLimit', () => settle(tooLarge()));
  busboy.on('error', (error: Error) => settle(malformed(error.message)));
  busboy.on('finish', () => settle(null));
  payload.pipe(busboy);
}
