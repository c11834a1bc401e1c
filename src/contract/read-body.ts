import type { Readable } from 'node:stream';
import { parseFormBody, parseJsonBody, type ParsedBody } from './body-parsing.js';
import { PayloadTooLarge, UnsupportedMediaType } from './http-errors.js';
import { parseMultipart } from './multipart.js';

type Headers = Readonly<Record<string, string | string[] | undefined>>;

/**
 * Reads and parses a request body as the Fastify adapter's content-type parsers do, for adapters
 * that read the stream themselves: null when there is no body to parse (no Content-Type, no
 * length, not chunked); a 415 for a type DRF has no parser for (text/plain included) and a 413
 * past `limit`, thrown at once; a malformed body as `{error}`, for the pipeline to raise later.
 */
export async function readBody(stream: Readable, headers: Headers, limit: number): Promise<ParsedBody | null> {
  const contentType = single(headers['content-type']);
  if (contentType === undefined) {
    const length = single(headers['content-length']);
    if (headers['transfer-encoding'] === undefined && (length === undefined || length === '0')) return null;
  }
  const media = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (media === 'multipart/form-data') {
    return new Promise((resolve, reject) => {
      parseMultipart(headers as Parameters<typeof parseMultipart>[0], stream, limit, (error, body) => {
        if (!error) resolve({ value: body });
        else if (error.name === 'ParseError') resolve({ error: error as Extract<ParsedBody, { error: unknown }>['error'] });
        else reject(error);
      });
    });
  }
  if (media !== 'application/json' && media !== 'application/x-www-form-urlencoded') {
    stream.resume();
    throw new UnsupportedMediaType(contentType ?? '');
  }
  const text = await readText(stream, headers, limit);
  return media === 'application/json' ? parseJsonBody(text) : { value: parseFormBody(text) };
}

/** The whole body as UTF-8 text, refused with a 413 as soon as it passes `limit` bytes. */
async function readText(stream: Readable, headers: Headers, limit: number): Promise<string> {
  if (Number(single(headers['content-length'])) > limit) {
    stream.resume();
    throw new PayloadTooLarge();
  }
  const chunks: Buffer[] = [];
  let received = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    received += bytes.length;
    if (received > limit) {
      stream.resume();
      throw new PayloadTooLarge();
    }
    chunks.push(bytes);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
