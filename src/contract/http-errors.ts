import { TesseraError } from '../errors.js';

/** DRF's `MethodNotAllowed`. */
export class MethodNotAllowed extends TesseraError {
  readonly code = 'method_not_allowed';
  constructor(readonly method: string) {
    super(`Method "${method}" not allowed.`);
    this.name = 'MethodNotAllowed';
  }
}

/** 400 `{"detail": ...}` for a request header tessera reads and cannot use. */
export class BadRequest extends TesseraError {
  readonly code = 'bad_request';
  constructor(message: string) {
    super(message);
    this.name = 'BadRequest';
  }
}

/** DRF's `UnsupportedMediaType`: it quotes the request's Content-Type as sent. */
export class UnsupportedMediaType extends TesseraError {
  readonly code = 'unsupported_media_type';
  constructor(readonly contentType: string) {
    super(`Unsupported media type "${contentType}" in request.`);
    this.name = 'UnsupportedMediaType';
  }
}

/** 413: the body is past the adapter's body limit (Django's `RequestDataTooBig`). */
export class PayloadTooLarge extends TesseraError {
  readonly code = 'payload_too_large';
  constructor() {
    super('Request body is too large.');
    this.name = 'PayloadTooLarge';
  }
}
