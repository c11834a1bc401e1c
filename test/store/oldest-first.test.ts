import assert from 'node:assert/strict';
import { test } from 'node:test';
import { trimOldest } from '../../src/oldest-first.js';
import { ExpiringSet } from '../../src/tokens/expiring-set.js';

function mapOf(n: number): Map<number, number> {
  return new Map(Array.from({ length: n }, (_, i) => [i, i]));
}

test('a map within its bound is left as it is', () => {
  const map = mapOf(32);
  trimOldest(map, 32);
  assert.equal(map.size, 32);
});

test('past its bound the oldest sixteenth goes, newest kept in order', () => {
  const map = mapOf(33);
  trimOldest(map, 32);
  assert.equal(map.size, 30);
  assert.deepEqual([...map.keys()].slice(0, 2), [3, 4]);
  assert.equal([...map.keys()].at(-1), 32);
});

test('a small bound is kept exactly: one in, the oldest one out', () => {
  const map = mapOf(3);
  trimOldest(map, 2);
  assert.deepEqual([...map.keys()], [1, 2]);
});

test('an expiring set under a stream of new keys never holds more than its bound and keeps the newest', () => {
  const set = new ExpiringSet(1000, () => 0);
  for (let i = 0; i < 10_000; i++) {
    set.add(`jti-${i}`, 1);
    assert.ok(set.size <= 1000);
  }
  assert.ok(set.has('jti-9999'));
  assert.ok(set.size >= 1000 - 1000 / 16);
  assert.equal(set.has('jti-0'), false);
});
