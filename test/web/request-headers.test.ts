import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lazyHeaders } from '../../src/web/request-headers.js';

test('lazyHeaders: reads as the copied record did (lower-case names, repeats joined), enumerates every header', () => {
  const source = new Headers([['Authorization', 'Bearer x'], ['Accept', 'a'], ['accept', 'b'], ['X-Forwarded-For', '10.0.0.1']]);
  const headers = lazyHeaders(source);
  assert.equal(headers.authorization, 'Bearer x');
  assert.equal(headers.accept, 'a, b');
  assert.equal(headers.cookie, undefined);
  assert.equal('authorization' in headers, true);
  assert.equal('cookie' in headers, false);
  // A name Headers.get would throw on is simply absent, as in a plain record.
  assert.equal(headers['bad name'], undefined);
  assert.deepEqual({ ...headers }, { accept: 'a, b', authorization: 'Bearer x', 'x-forwarded-for': '10.0.0.1' });
  assert.deepEqual(Object.keys(headers).sort(), ['accept', 'authorization', 'x-forwarded-for']);
});

test('lazyHeaders: an assigned value (Host from the URL) is read and enumerated beside the request\'s', () => {
  const headers = lazyHeaders(new Headers({ accept: 'a' }));
  assert.equal(headers.host, undefined);
  headers.host = 'example.com';
  assert.equal(headers.host, 'example.com');
  assert.deepEqual({ ...headers }, { accept: 'a', host: 'example.com' });
});
