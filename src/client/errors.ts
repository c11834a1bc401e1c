/** A non-2xx answer: `status` and the parsed JSON body (or text, or null). */
export class TesseraHttpError extends Error {
  status: number;
  body: unknown;

  constructor(status: number, body: unknown) {
    super(`HTTP ${status}${describe(body)}`);
    this.name = 'TesseraHttpError';
    this.status = status;
    this.body = body;
  }
}

function describe(body: unknown): string {
  if (body && typeof body === 'object' && typeof (body as { detail?: unknown }).detail === 'string') {
    return `: ${(body as { detail: string }).detail}`;
  }
  return '';
}
