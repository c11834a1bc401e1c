import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { loadSettings, relyingPartyOf, SettingsError, DEFAULT_SETTINGS } from '../../src/settings/index.js';

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
const cwd = () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-webauthn-'));
  dirs.push(dir);
  return dir;
};
const load = (env: Record<string, string>) => loadSettings({ cwd: cwd(), env });
const refusal = (env: Record<string, string>): string => {
  try {
    load(env);
  } catch (error) {
    assert.ok(error instanceof SettingsError, String(error));
    assert.doesNotMatch(error.message, /\n/);
    return error.message;
  }
  assert.fail(`loaded ${JSON.stringify(env)}`);
};

describe('passkeys\' relying party (webauthnRpId, webauthnOrigins, webauthnRpName)', () => {
  test('defaults: npm start on this machine works at http://localhost:PORT', () => {
    const settings = load({});
    assert.equal(settings.webauthnRpId, 'localhost');
    assert.deepEqual(settings.webauthnOrigins, ['http://localhost:8000']);
    assert.equal(settings.webauthnRpName, 'tessera');
    assert.deepEqual(load({ TESSERA_PORT: '9000' }).webauthnOrigins, ['http://localhost:9000']);
  });

  test('an https publicUrl gives its host and origin; an http one that is not localhost falls back to localhost', () => {
    const https = load({ TESSERA_PUBLIC_URL: 'https://auth.example.com' });
    assert.equal(https.webauthnRpId, 'auth.example.com');
    assert.deepEqual(https.webauthnOrigins, ['https://auth.example.com']);
    const http = load({ TESSERA_PUBLIC_URL: 'http://auth.example.com' });
    assert.equal(http.webauthnRpId, 'localhost');
    assert.deepEqual(http.webauthnOrigins, ['http://localhost:8000']);
  });

  test('set explicitly, from the environment (origins comma-separated)', () => {
    const settings = load({
      TESSERA_WEBAUTHN_RP_ID: 'Example.com', TESSERA_WEBAUTHN_ORIGINS: 'https://example.com, https://app.example.com', TESSERA_WEBAUTHN_RP_NAME: 'Example',
    });
    assert.equal(settings.webauthnRpId, 'example.com');
    assert.deepEqual(settings.webauthnOrigins, ['https://example.com', 'https://app.example.com']);
    assert.equal(settings.webauthnRpName, 'Example');
  });

  test('inconsistent values stop the start with a one-line error naming the variable', () => {
    assert.match(refusal({ TESSERA_WEBAUTHN_ORIGINS: 'https://app.example.com' }), /^TESSERA_WEBAUTHN_ORIGINS: https:\/\/app\.example\.com is not on localhost/);
    assert.match(refusal({ TESSERA_WEBAUTHN_RP_ID: 'example.com', TESSERA_WEBAUTHN_ORIGINS: 'http://example.com' }), /^TESSERA_WEBAUTHN_ORIGINS: http:\/\/example\.com is not https/);
    assert.match(refusal({ TESSERA_WEBAUTHN_RP_ID: 'example.com' }), /^webauthnOrigins: no origin can use passkeys on webauthnRpId example\.com .*TESSERA_WEBAUTHN_ORIGINS=https:\/\/example\.com$/);
    assert.match(refusal({ TESSERA_WEBAUTHN_RP_ID: '127.0.0.1' }), /^TESSERA_WEBAUTHN_RP_ID: "127\.0\.0\.1" is an IP address/);
    assert.match(refusal({ TESSERA_WEBAUTHN_RP_ID: 'https://example.com' }), /^TESSERA_WEBAUTHN_RP_ID: .* is not a domain name/);
    assert.match(refusal({ TESSERA_WEBAUTHN_ORIGINS: 'http://localhost:8000/console/' }), /^TESSERA_WEBAUTHN_ORIGINS: .* is not an origin/);
    assert.match(refusal({ TESSERA_WEBAUTHN_RP_NAME: '' }), /^TESSERA_WEBAUTHN_RP_NAME: /);
  });

  test('a subdomain origin is on its parent RP ID; a look-alike host is not', () => {
    assert.equal(load({ TESSERA_WEBAUTHN_RP_ID: 'example.com', TESSERA_WEBAUTHN_ORIGINS: 'https://a.b.example.com' }).webauthnRpId, 'example.com');
    assert.match(refusal({ TESSERA_WEBAUTHN_RP_ID: 'example.com', TESSERA_WEBAUTHN_ORIGINS: 'https://badexample.com' }), /is not on example\.com/);
  });

  test('settings built without loadSettings still get the derived relying party', () => {
    assert.deepEqual(relyingPartyOf({ ...DEFAULT_SETTINGS, webauthnOrigins: [] }), { rpId: 'localhost', origins: ['http://localhost:8000'] });
  });
});
