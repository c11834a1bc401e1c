import { TesseraError } from '../errors.js';

/** DRF's 406, when no renderer (only JSON here) satisfies the Accept header. */
export class NotAcceptable extends TesseraError {
  readonly code = 'not_acceptable';
  constructor() {
    super('Could not satisfy the request Accept header.');
    this.name = 'NotAcceptable';
  }
}

/** What the client asked the JSON renderer for. */
export interface Rendering {
  /** Spaces of indentation from `Accept: application/json; indent=4`, or null for compact. */
  indent: number | null;
}

/** Compact JSON, what almost every request gets: one frozen answer, not an object per request. */
const COMPACT: Rendering = Object.freeze({ indent: null });

/**
 * DRF's content negotiation with one renderer, JSON: any Accept range that covers
 * `application/json` (or text/html, which browsers send and DRF would answer with its HTML API)
 * is fine; otherwise 406. `indent=N` asks for pretty JSON, as DRF's JSONRenderer allows (0-8).
 */
export function negotiate(accept: string | undefined): Rendering {
  // No header, or what curl, wrk and most clients send: nothing to parse.
  if (!accept || accept === '*/*' || accept === 'application/json' || accept.trim() === '') return COMPACT;
  let acceptable = false;
  let indent: number | null = null;
  for (const range of accept.split(',')) {
    const [type = '', ...params] = range.split(';').map((p) => p.trim());
    const media = type.toLowerCase();
    if (!['*/*', 'application/*', 'application/json', 'text/html', 'text/*'].includes(media)) continue;
    const quality = params.find((p) => /^q=/i.test(p));
    if (quality && Number(quality.slice(2)) === 0) continue;
    acceptable = true;
    const indentParam = params.find((p) => /^indent=/i.test(p));
    if (media === 'application/json' && indentParam && indent === null) {
      const n = Number.parseInt(indentParam.slice(7), 10);
      if (Number.isFinite(n)) indent = Math.max(0, Math.min(n, 8));
    }
  }
  if (!acceptable) throw new NotAcceptable();
  return { indent };
}

/** Re-renders a compact JSON body with the requested indentation (unchanged if it is not JSON). */
export function indentJson(payload: string, indent: number): string {
  try {
    return JSON.stringify(JSON.parse(payload), null, indent);
  } catch {
    return payload;
  }
}
