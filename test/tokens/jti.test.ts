import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { newJti } from '../../src/tokens/jti.js';

describe('newJti', () => {
  test('is 32 hex digits, as Simple JWT\'s uuid4().hex, with the UUIDv7 version and variant', () => {
    const jti = newJti();
    assert.match(jti, /^[0-9a-f]{12}7[0-9a-f]{3}[89ab][0-9a-f]{15}$/);
  });

  test('starts with the time in milliseconds, so ids sort by when they were made', () => {
    const at = Date.UTC(2026, 11, 4, 5, 0, 0, 123);
    assert.equal(parseInt(newJti(at).slice(0, 12), 16), at);
    const earlier = newJti(at);
    const later = newJti(at + 1);
    assert.ok(earlier < later, `${earlier} should sort before ${later}`);
  });

  test('ids made in the same millisecond differ (74 random bits), across refills of the random pool', () => {
    const at = Date.now();
    const ids = new Set(Array.from({ length: 5_000 }, () => newJti(at)));
    assert.equal(ids.size, 5_000);
  });
});
