import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { csrfFailure, csrfTokenFor, enforceCsrf, newCsrfToken } from '../../src/auth/index.js';
import { PermissionDenied } from '../../src/errors.js';

const HTTP = { publicUrl: 'http://api.example.com' };
const HTTPS = { publicUrl: 'https://api.example.com' };

function request(method: string, headers: Record<string, string>, body?: unknown) {
  return { method, headers: { host: 'api.example.com', ...headers }, body };
}

describe('CSRF (Django 4.1+ CsrfViewMiddleware)', () => {
  const cookie = newCsrfToken();
  const token = csrfTokenFor({ method: 'GET', headers: { cookie: `csrftoken=${cookie}` } }).token;

  test('tokens are masked: a new one each time, all for the cookie\'s secret', () => {
    assert.match(cookie, /^[a-zA-Z0-9]{64}$/);
    const again = csrfTokenFor({ method: 'GET', headers: { cookie: `csrftoken=${cookie}` } });
    assert.equal(again.cookie, cookie);
    assert.notEqual(again.token, token);
    assert.equal(csrfFailure(request('POST', { cookie: `csrftoken=${cookie}`, 'x-csrftoken': again.token }), HTTP), null);
  });
  test('safe methods are never checked', () => {
    for (const method of ['GET', 'HEAD', 'OPTIONS', 'TRACE']) assert.equal(csrfFailure(request(method, {}), HTTP), null);
  });
  test('a matching header passes; the cookie itself and its 32-character secret form pass too', () => {
    assert.equal(csrfFailure(request('DELETE', { cookie: `csrftoken=${cookie}`, 'x-csrftoken': token }), HTTP), null);
    assert.equal(csrfFailure(request('PUT', { cookie: `csrftoken=${cookie}`, 'x-csrftoken': cookie }), HTTP), null);
  });
  test('a form\'s csrfmiddlewaretoken counts for POST', () => {
    const form = request('POST', { cookie: `csrftoken=${cookie}`, 'content-type': 'application/x-www-form-urlencoded' }, { csrfmiddlewaretoken: token });
    assert.equal(csrfFailure(form, HTTP), null);
  });
  test('Django\'s reasons, word for word', () => {
    assert.equal(csrfFailure(request('POST', {}), HTTP), 'CSRF cookie not set.');
    assert.equal(csrfFailure(request('POST', { cookie: 'csrftoken=short' }), HTTP), 'CSRF cookie has incorrect length.');
    assert.equal(csrfFailure(request('POST', { cookie: `csrftoken=${cookie}` }), HTTP), 'CSRF token missing.');
    assert.equal(
      csrfFailure(request('POST', { cookie: `csrftoken=${cookie}`, 'x-csrftoken': newCsrfToken() }), HTTP),
      "CSRF token from the 'X-Csrftoken' HTTP header incorrect.",
    );
    assert.equal(
      csrfFailure(request('POST', { cookie: `csrftoken=${cookie}`, 'x-csrftoken': 'x'.repeat(63) + '!' }), HTTP),
      "CSRF token from the 'X-Csrftoken' HTTP header has invalid characters.",
    );
    assert.equal(
      csrfFailure(request('POST', { cookie: `csrftoken=${cookie}`, 'x-csrftoken': token, origin: 'http://evil.example' }), HTTP),
      'Origin checking failed - http://evil.example does not match any trusted origins.',
    );
  });
  test('the Origin may be this host or the public URL', () => {
    const headers = { cookie: `csrftoken=${cookie}`, 'x-csrftoken': token };
    assert.equal(csrfFailure(request('POST', { ...headers, origin: 'http://api.example.com' }), HTTP), null);
    assert.equal(csrfFailure(request('POST', { ...headers, origin: 'https://api.example.com', host: '127.0.0.1:8000' }), HTTPS), null);
  });
  test('over https without Origin, the Referer must be https and this host', () => {
    const headers = { cookie: `csrftoken=${cookie}`, 'x-csrftoken': token };
    assert.equal(csrfFailure(request('POST', headers), HTTPS), 'Referer checking failed - no Referer.');
    assert.equal(csrfFailure(request('POST', { ...headers, referer: 'not a url' }), HTTPS), 'Referer checking failed - Referer is malformed.');
    assert.equal(
      csrfFailure(request('POST', { ...headers, referer: 'http://api.example.com/x' }), HTTPS),
      'Referer checking failed - Referer is insecure while host is secure.',
    );
    assert.equal(
      csrfFailure(request('POST', { ...headers, referer: 'https://evil.example/x' }), HTTPS),
      'Referer checking failed - https://evil.example/x does not match any trusted origins.',
    );
    assert.equal(csrfFailure(request('POST', { ...headers, referer: 'https://api.example.com/page' }), HTTPS), null);
    // Over plain http, Django does not check the Referer.
    assert.equal(csrfFailure(request('POST', headers), HTTP), null);
  });
  test('enforceCsrf raises DRF\'s PermissionDenied with "CSRF Failed: "', () => {
    assert.throws(() => enforceCsrf(request('POST', {}), HTTP), (error: unknown) => {
      assert.ok(error instanceof PermissionDenied);
      assert.equal(error.message, 'CSRF Failed: CSRF cookie not set.');
      return true;
    });
  });
});
