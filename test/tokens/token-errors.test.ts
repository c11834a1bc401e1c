import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TokenBackendError } from '../../src/crypto/errors.js';
import { InvalidToken, StacklessError, ValidationError } from '../../src/errors.js';
import { TokenError } from '../../src/tokens/errors.js';

/** The lines of a stack trace below the message: one per captured frame. */
const frames = (error: Error) => (error.stack ?? '').split('\n').filter((line) => line.trimStart().startsWith('at '));

describe('errors that answer a bad token carry no stack trace', () => {
  for (const make of [() => new TokenBackendError(), () => new TokenError('Token is blacklisted'), () => new InvalidToken()]) {
    test(make().name, () => {
      const limit = Error.stackTraceLimit;
      const error = make();
      assert.ok(error instanceof StacklessError && error instanceof Error);
      assert.deepEqual(frames(error), []);
      assert.match(error.stack ?? '', new RegExp(`^${error.name}: ${error.message}`));
      assert.equal(Error.stackTraceLimit, limit, 'the global limit is restored');
    });
  }

  test('other errors keep theirs', () => {
    assert.ok(frames(ValidationError.of('username', 'This field is required.')).length > 0);
    assert.ok(frames(new Error('fault')).length > 0);
  });
});
