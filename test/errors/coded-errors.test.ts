import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  AuthenticationFailed, InvalidToken, NotAuthenticated, NotFound, ParseError, PermissionDenied,
  ServiceUnavailable, SettingsError, TesseraError, Throttled, TokenBackendError, TokenError, UsernameTakenError, ValidationError,
} from '../../src/index.js';
import { DjangoImportError } from '../../src/migration-from-django/index.js';
import { MethodNotAllowed, toErrorAnswer } from '../../src/http/index.js';

test('every error tessera raises on purpose is a TesseraError with a stable code, answered by the one mapping', () => {
  const cases: [TesseraError, string, number][] = [
    [ValidationError.of('username', 'This field is required.'), 'invalid', 400],
    [new ParseError(), 'parse_error', 400],
    [new AuthenticationFailed(), 'authentication_failed', 401],
    [new AuthenticationFailed('No active account found with the given credentials', 'no_active_account', true), 'no_active_account', 401],
    [new NotAuthenticated(), 'not_authenticated', 401],
    [new InvalidToken(), 'token_not_valid', 401],
    [new TokenError('Token is blacklisted'), 'token_not_valid', 401],
    [new PermissionDenied(), 'permission_denied', 403],
    [new NotFound(), 'not_found', 404],
    [new MethodNotAllowed('PUT'), 'method_not_allowed', 405],
    [new Throttled(3), 'throttled', 429],
    [new ServiceUnavailable(), 'service_unavailable', 503],
  ];
  for (const [error, code, status] of cases) {
    assert.ok(error instanceof TesseraError, error.name);
    assert.equal(error.code, code, error.name);
    assert.equal(toErrorAnswer(error).status, status, error.name);
  }
  assert.deepEqual(toErrorAnswer(new Throttled(1)).body, { detail: 'Request was throttled. Expected available in 1 second.' });
  for (const error of [new TokenBackendError(), new UsernameTakenError('x'), new SettingsError('port', 'bad'), new DjangoImportError('x')]) {
    assert.ok(error instanceof TesseraError && error.code.length > 0, error.name);
  }
});
