import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSettings, parseDuration, SettingsError, type Settings } from '../../src/settings/index.js';

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A fresh folder, optionally holding a `tessera.config.json` with `config` as its text. */
function folder(config?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-settings-'));
  dirs.push(dir);
  if (config !== undefined) writeFileSync(join(dir, 'tessera.config.json'), config);
  return dir;
}

const LONG_KEY = 'k'.repeat(32);

/** Loads settings and returns the SettingsError it must throw. */
function settingsError(options: Parameters<typeof loadSettings>[0]): SettingsError {
  try {
    loadSettings(options);
  } catch (error) {
    assert.ok(error instanceof SettingsError, `expected a SettingsError, got ${String(error)}`);
    assert.ok(!error.message.includes('\n'), `message should be one line: ${error.message}`);
    return error;
  }
  assert.fail('loadSettings should have thrown');
}

describe('defaults', () => {
  test("equal Simple JWT's", () => {
    const s = loadSettings({ cwd: folder(), env: {} });
    assert.equal(s.accessTokenLifetime, 300);
    assert.equal(s.refreshTokenLifetime, 86400);
    assert.equal(s.rotateRefreshTokens, false);
    assert.equal(s.blacklistAfterRotation, false);
    assert.equal(s.updateLastLogin, false);
    assert.equal(s.algorithm, 'HS256');
    assert.equal(s.signingKey, '');
    assert.equal(s.audience, null);
    assert.equal(s.issuer, null);
    assert.equal(s.leeway, 0);
    assert.deepEqual(s.authHeaderTypes, ['Bearer']);
    assert.equal(s.authHeaderName, 'authorization');
    assert.equal(s.userIdField, 'id');
    assert.equal(s.userIdClaim, 'user_id');
    assert.equal(s.tokenTypeClaim, 'token_type');
    assert.equal(s.jtiClaim, 'jti');
    assert.equal(s.checkUserIsActive, true);
    assert.equal(s.host, '127.0.0.1');
    assert.equal(s.port, 8000);
    assert.equal(s.databaseUrl, 'sqlite:./data/tessera.sqlite3');
    assert.equal(loadSettings({ env: { TESSERA_DATA_DIR: '/srv/tessera/' } }).databaseUrl, 'sqlite:/srv/tessera/tessera.sqlite3');
    assert.equal(
      loadSettings({ env: { TESSERA_DATA_DIR: '/srv/t', TESSERA_DATABASE_URL: 'sqlite:/db/x.sqlite3' } }).databaseUrl,
      'sqlite:/db/x.sqlite3',
    );
  });

  test('each load gets its own authHeaderTypes list', () => {
    const a = loadSettings({ cwd: folder(), env: {} });
    a.authHeaderTypes.push('JWT');
    assert.deepEqual(loadSettings({ cwd: folder(), env: {} }).authHeaderTypes, ['Bearer']);
  });
});

describe('sources', () => {
  test('tessera.config.json in cwd is read', () => {
    const dir = folder(JSON.stringify({
      accessTokenLifetime: 60, rotateRefreshTokens: true, authHeaderTypes: ['JWT', 'Bearer'], audience: 'api', port: 9000,
    }));
    const s = loadSettings({ cwd: dir, env: {} });
    assert.equal(s.accessTokenLifetime, 60);
    assert.equal(s.rotateRefreshTokens, true);
    assert.deepEqual(s.authHeaderTypes, ['JWT', 'Bearer']);
    assert.equal(s.audience, 'api');
    assert.equal(s.port, 9000);
  });

  test('the environment overrides the file', () => {
    const dir = folder(JSON.stringify({ accessTokenLifetime: 60, port: 9000, rotateRefreshTokens: true }));
    const s = loadSettings({
      cwd: dir,
      env: { TESSERA_ACCESS_TOKEN_LIFETIME: '2m', TESSERA_PORT: '9100', TESSERA_ROTATE_REFRESH_TOKENS: 'false' },
    });
    assert.equal(s.accessTokenLifetime, 120);
    assert.equal(s.port, 9100);
    assert.equal(s.rotateRefreshTokens, false);
  });

  test('overrides win over the environment', () => {
    const s = loadSettings({ cwd: folder(), env: { TESSERA_PORT: '9100' }, overrides: { port: 9200 } });
    assert.equal(s.port, 9200);
  });

  test('TESSERA_CONFIG names another file, and a missing one is an error', () => {
    const dir = folder();
    writeFileSync(join(dir, 'other.json'), JSON.stringify({ leeway: 5 }));
    assert.equal(loadSettings({ cwd: dir, env: { TESSERA_CONFIG: 'other.json' } }).leeway, 5);
    const error = settingsError({ cwd: dir, env: { TESSERA_CONFIG: 'missing.json' } });
    assert.match(error.message, /^TESSERA_CONFIG: .*missing\.json does not exist/);
  });

  test('variables not named TESSERA_* are ignored', () => {
    const s = loadSettings({ cwd: folder(), env: { PORT: '1', ACCESS_TOKEN_LIFETIME: 'x' } });
    assert.equal(s.port, 8000);
  });
});

describe('TESSERA_* variables named in the issue', () => {
  const cases: [string, string, keyof Settings, unknown][] = [
    ['TESSERA_HOST', '0.0.0.0', 'host', '0.0.0.0'],
    ['TESSERA_PORT', '8080', 'port', 8080],
    ['TESSERA_PORT', '0', 'port', 0],
    ['TESSERA_DATABASE_URL', 'sqlite:/tmp/x.sqlite3', 'databaseUrl', 'sqlite:/tmp/x.sqlite3'],
    ['TESSERA_DATABASE_URL', 'postgres://tessera@127.0.0.1:5432/tessera', 'databaseUrl', 'postgres://tessera@127.0.0.1:5432/tessera'],
    ['TESSERA_SIGNING_KEY', LONG_KEY, 'signingKey', LONG_KEY],
    ['TESSERA_ACCESS_TOKEN_LIFETIME', '300', 'accessTokenLifetime', 300],
    ['TESSERA_ACCESS_TOKEN_LIFETIME', '5m', 'accessTokenLifetime', 300],
    ['TESSERA_ACCESS_TOKEN_LIFETIME', '45s', 'accessTokenLifetime', 45],
    ['TESSERA_ACCESS_TOKEN_LIFETIME', '2h', 'accessTokenLifetime', 7200],
    ['TESSERA_REFRESH_TOKEN_LIFETIME', '1d', 'refreshTokenLifetime', 86400],
    ['TESSERA_REFRESH_TOKEN_LIFETIME', '7d', 'refreshTokenLifetime', 7 * 86400],
    ['TESSERA_ROTATE_REFRESH_TOKENS', 'true', 'rotateRefreshTokens', true],
    ['TESSERA_ROTATE_REFRESH_TOKENS', '1', 'rotateRefreshTokens', true],
    ['TESSERA_ROTATE_REFRESH_TOKENS', 'yes', 'rotateRefreshTokens', true],
    ['TESSERA_BLACKLIST_AFTER_ROTATION', 'TRUE', 'blacklistAfterRotation', true],
    ['TESSERA_BLACKLIST_AFTER_ROTATION', 'on', 'blacklistAfterRotation', true],
    ['TESSERA_CHECK_USER_IS_ACTIVE', 'false', 'checkUserIsActive', false],
    ['TESSERA_CHECK_USER_IS_ACTIVE', '0', 'checkUserIsActive', false],
    ['TESSERA_UPDATE_LAST_LOGIN', 'true', 'updateLastLogin', true],
    ['TESSERA_ALGORITHM', 'HS512', 'algorithm', 'HS512'],
    ['TESSERA_AUTH_HEADER_TYPES', 'Bearer, JWT', 'authHeaderTypes', ['Bearer', 'JWT']],
    ['TESSERA_AUTH_HEADER_NAME', 'HTTP_X_TOKEN', 'authHeaderName', 'x-token'],
    ['TESSERA_LEEWAY', '10', 'leeway', 10],
    ['TESSERA_AUDIENCE', 'my-api', 'audience', 'my-api'],
    ['TESSERA_USER_ID_CLAIM', 'sub', 'userIdClaim', 'sub'],
  ];
  for (const [name, value, key, expected] of cases) {
    test(`${name}=${value}`, () => {
      const s = loadSettings({ cwd: folder(), env: { [name]: value } });
      assert.deepEqual(s[key], expected);
    });
  }
});

describe('bad values throw a SettingsError naming the setting and what it accepts', () => {
  const envCases: [string, string, RegExp][] = [
    ['TESSERA_ACCESS_TOKEN_LIFETIME', 'soon', /^TESSERA_ACCESS_TOKEN_LIFETIME: "soon" is not a duration; use whole seconds \(300\) or a number with s, m, h or d/],
    ['TESSERA_REFRESH_TOKEN_LIFETIME', '1w', /^TESSERA_REFRESH_TOKEN_LIFETIME: "1w" is not a duration; use/],
    ['TESSERA_REFRESH_TOKEN_LIFETIME', '-5', /^TESSERA_REFRESH_TOKEN_LIFETIME: "-5" is not a duration/],
    ['TESSERA_REFRESH_TOKEN_LIFETIME', '999999999d', /^TESSERA_REFRESH_TOKEN_LIFETIME: .*is not a duration.*at most 100 years/],
    ['TESSERA_ROTATE_REFRESH_TOKENS', 'maybe', /^TESSERA_ROTATE_REFRESH_TOKENS: "maybe" is not a boolean; use true or false/],
    ['TESSERA_BLACKLIST_AFTER_ROTATION', '', /^TESSERA_BLACKLIST_AFTER_ROTATION: "" is not a boolean; use true or false/],
    ['TESSERA_PORT', '70000', /^TESSERA_PORT: "70000" is not a port; use a whole number from 0 to 65535/],
    ['TESSERA_PORT', 'abc', /^TESSERA_PORT: "abc" is not a port; use a whole number from 0 to 65535/],
    ['TESSERA_ALGORITHM', 'none', /^TESSERA_ALGORITHM: "none" is not one of HS256, HS384, HS512/],
    ['TESSERA_ALGORITHM', 'none', /^TESSERA_ALGORITHM: "none" is not one of HS256, HS384, HS512, RS256/],
    ['TESSERA_DATABASE_URL', 'mysql://localhost/db', /^TESSERA_DATABASE_URL: .* use sqlite:PATH/],
    ['TESSERA_DATABASE_URL', 'sqlite:', /^TESSERA_DATABASE_URL: "sqlite:" is not a database URL .* use sqlite:PATH/],
    ['TESSERA_DATABASE_URL', './data/db.sqlite3', /^TESSERA_DATABASE_URL: .* use sqlite:PATH/],
    ['TESSERA_SIGNING_KEY', 'short', /^TESSERA_SIGNING_KEY: an HS256 key must be at least 32 bytes \(got 5\)/],
    ['TESSERA_ACCESS_TOKEN_LIFETIME', '0', /^TESSERA_ACCESS_TOKEN_LIFETIME: must be longer than 0 seconds/],
    ['TESSERA_REFRESH_TOKEN_LIFETIME', '0m', /^TESSERA_REFRESH_TOKEN_LIFETIME: must be longer than 0 seconds/],
    ['TESSERA_HOST', '   ', /^TESSERA_HOST: must not be empty/],
    ['TESSERA_AUTH_HEADER_TYPES', 'Bearer,', /^TESSERA_AUTH_HEADER_TYPES: .* comma-separated list/],
    ['TESSERA_USER_ID_FIELD', 'email', /^TESSERA_USER_ID_FIELD: "email" is not one of id, username/],
  ];
  for (const [name, value, pattern] of envCases) {
    test(`${name}=${JSON.stringify(value)}`, () => {
      const error = settingsError({ cwd: folder(), env: { [name]: value } });
      assert.match(error.message, pattern);
    });
  }

  test('an HS key of 31 bytes is refused and one of 32 accepted (bytes, not characters)', () => {
    assert.match(settingsError({ cwd: folder(), env: { TESSERA_SIGNING_KEY: 'k'.repeat(31) } }).message, /at least 32 bytes \(got 31\)/);
    assert.equal(loadSettings({ cwd: folder(), env: { TESSERA_SIGNING_KEY: 'é'.repeat(16) } }).signingKey, 'é'.repeat(16));
  });

  test('a zero lifetime in the file names the file and the key', () => {
    const error = settingsError({ cwd: folder(JSON.stringify({ refreshTokenLifetime: 0 })), env: {} });
    assert.match(error.message, /^tessera\.config\.json: refreshTokenLifetime: must be longer than 0 seconds/);
  });

  test('a zero lifetime in overrides names the setting', () => {
    const error = settingsError({ cwd: folder(), env: {}, overrides: { accessTokenLifetime: 0 } });
    assert.match(error.message, /^accessTokenLifetime: must be longer than 0 seconds/);
  });

  test('a wrongly typed value in the file names the file and the key', () => {
    const error = settingsError({ cwd: folder(JSON.stringify({ rotateRefreshTokens: 'sometimes' })), env: {} });
    assert.match(error.message, /^tessera\.config\.json: rotateRefreshTokens: "sometimes" is not a boolean; use true or false/);
    const port = settingsError({ cwd: folder(JSON.stringify({ port: 80.5 })), env: {} });
    assert.match(port.message, /^tessera\.config\.json: port: 80\.5 is not a port/);
    const lifetime = settingsError({ cwd: folder(JSON.stringify({ accessTokenLifetime: 1e300 })), env: {} });
    assert.match(lifetime.message, /^tessera\.config\.json: accessTokenLifetime: .*is not a duration/);
  });

  test('an unknown key in the file is named, with the closest setting', () => {
    const error = settingsError({ cwd: folder(JSON.stringify({ ACCESS_TOKEN_LIFETIME: 300 })), env: {} });
    assert.equal(error.message, 'unknown setting "ACCESS_TOKEN_LIFETIME" in tessera.config.json; did you mean "accessTokenLifetime"?');
  });

  for (const key of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
    test(`the inherited name ${key} in the file is not a setting`, () => {
      const error = settingsError({ cwd: folder(`{"${key}": 1}`), env: {} });
      assert.match(error.message, new RegExp(`^unknown setting "${key}" in tessera\\.config\\.json; `));
    });
  }

  test('an invalid JSON file is named and said to be invalid JSON', () => {
    const dir = folder('{ "port": 8000,');
    const error = settingsError({ cwd: dir, env: {} });
    assert.ok(error.message.startsWith(join(dir, 'tessera.config.json')), error.message);
    assert.match(error.message, /is not valid JSON/);
  });

  for (const text of ['[1, 2]', 'null', '"port"', '42']) {
    test(`a JSON file holding ${text} must hold an object`, () => {
      const error = settingsError({ cwd: folder(text), env: {} });
      assert.match(error.message, /tessera\.config\.json: must hold a JSON object of settings$/);
    });
  }

  test('the error carries the setting it is about', () => {
    const error = settingsError({ cwd: folder(), env: { TESSERA_PORT: '70000' } });
    assert.equal(error.setting, 'TESSERA_PORT');
    assert.equal(error.name, 'SettingsError');
  });
});

describe('parseDuration', () => {
  test('takes seconds and units, in strings and numbers', () => {
    assert.equal(parseDuration('300'), 300);
    assert.equal(parseDuration(' 5m '), 300);
    assert.equal(parseDuration('1d'), 86400);
    assert.equal(parseDuration(42), 42);
  });
  test('refuses fractions, negatives and words', () => {
    for (const bad of ['1.5m', '-1', 'five', '', 1.5, -1, null, true]) {
      assert.throws(() => parseDuration(bad), /is not a duration/, String(bad));
    }
  });
});

describe('allowedHosts (TESSERA_ALLOWED_HOSTS, Django ALLOWED_HOSTS)', () => {
  test("defaults to publicUrl's host and this machine's names", () => {
    assert.deepEqual(loadSettings({ cwd: folder(), env: {} }).allowedHosts, ['127.0.0.1', 'localhost', '[::1]']);
    assert.deepEqual(
      loadSettings({ cwd: folder(), env: { TESSERA_PUBLIC_URL: 'https://API.Example.com/auth' } }).allowedHosts,
      ['api.example.com', 'localhost', '127.0.0.1', '[::1]'],
    );
    assert.deepEqual(loadSettings({ cwd: folder(), env: { TESSERA_HOST: '10.0.0.5' } }).allowedHosts, ['10.0.0.5', 'localhost', '127.0.0.1', '[::1]']);
    assert.deepEqual(loadSettings({ cwd: folder(), env: { TESSERA_HOST: '::1' } }).allowedHosts, ['[::1]', 'localhost', '127.0.0.1']);
    // Listening everywhere names no host: publicUrl falls back to 127.0.0.1, and operators list theirs.
    assert.deepEqual(loadSettings({ cwd: folder(), env: { TESSERA_HOST: '0.0.0.0' } }).allowedHosts, ['127.0.0.1', 'localhost', '[::1]']);
  });

  test('a comma-separated list from the environment, or a JSON array, replaces the default, lower-cased', () => {
    const env = { TESSERA_ALLOWED_HOSTS: ' api.example.com, .Example.ORG ,[2001:DB8::1],10.0.0.5,' };
    assert.deepEqual(loadSettings({ cwd: folder(), env }).allowedHosts, ['api.example.com', '.example.org', '[2001:db8::1]', '10.0.0.5']);
    assert.deepEqual(loadSettings({ cwd: folder(JSON.stringify({ allowedHosts: ['*'] })), env: {} }).allowedHosts, ['*']);
  });

  const bad: [string, RegExp][] = [
    ['', /^TESSERA_ALLOWED_HOSTS: must name at least one host; use \* to allow any$/],
    [' , ', /must name at least one host/],
    ['api.example.com:8000', /^TESSERA_ALLOWED_HOSTS: "api\.example\.com:8000" has a port; give the host name alone/],
    ['https://api.example.com', /^TESSERA_ALLOWED_HOSTS: "https:\/\/api\.example\.com" is a URL; give the host name alone/],
    ['::1', /^TESSERA_ALLOWED_HOSTS: "::1" is an IPv6 address; write it in brackets \(\[::1\]\)/],
    ['*.example.com', /^TESSERA_ALLOWED_HOSTS: "\*\.example\.com" is not a host name; use api\.example\.com, \.example\.com/],
    ['api example.com', /is not a host name/],
    ['example.com.', /is not a host name/],
  ];
  for (const [value, pattern] of bad) {
    test(`TESSERA_ALLOWED_HOSTS=${JSON.stringify(value)} is refused with a one-line reason`, () => {
      assert.match(settingsError({ cwd: folder(), env: { TESSERA_ALLOWED_HOSTS: value } }).message, pattern);
    });
  }

  test('a config file value that is not a list of strings is named', () => {
    const dir = folder(JSON.stringify({ allowedHosts: 1 }));
    assert.match(settingsError({ cwd: dir, env: {} }).message, /^tessera\.config\.json: allowedHosts: 1 is not a list of host names/);
  });
});

describe('settings for other services: jwkCacheTtl and revocationFeedToken', () => {
  test('jwkCacheTtl is a positive duration (default 5 min)', () => {
    assert.equal(loadSettings({ cwd: folder(), env: {} }).jwkCacheTtl, 300);
    assert.equal(loadSettings({ cwd: folder(), env: { TESSERA_JWK_CACHE_TTL: '10m' } }).jwkCacheTtl, 600);
    assert.match(settingsError({ cwd: folder(), env: { TESSERA_JWK_CACHE_TTL: '0' } }).message, /^TESSERA_JWK_CACHE_TTL: .*longer than 0 seconds/);
  });

  test('revocationFeedToken is empty or a Bearer secret of 32 characters or more, never repeated in an error', () => {
    const secret = 'Zm9vYmFyYmF6cXV4MDEyMzQ1Njc4OWFiY2RlZg==';
    assert.equal(loadSettings({ cwd: folder(), env: {} }).revocationFeedToken, '');
    assert.equal(loadSettings({ cwd: folder(), env: { TESSERA_REVOCATION_FEED_TOKEN: secret } }).revocationFeedToken, secret);
    for (const bad of ['too-short-secret-0123456789', `${'s'.repeat(32)} with spaces`, `${'s'.repeat(32)}"`]) {
      const error = settingsError({ cwd: folder(), env: { TESSERA_REVOCATION_FEED_TOKEN: bad } });
      assert.match(error.message, /^TESSERA_REVOCATION_FEED_TOKEN: must be empty or at least 32 characters/);
      assert.ok(!error.message.includes(bad.slice(0, 10)), 'the secret is not repeated');
    }
  });
});

describe('session policy settings (sessionAbsoluteLifetime, sessionIdleTimeout, sessionsPerUser, sessionLimitPolicy)', () => {
  test('off by default; read from the environment as durations, a count and a policy', () => {
    const defaults = loadSettings({ cwd: folder(), env: {} });
    assert.deepEqual(
      [defaults.sessionAbsoluteLifetime, defaults.sessionIdleTimeout, defaults.sessionsPerUser, defaults.sessionLimitPolicy],
      [0, 0, 0, 'evict'],
    );
    const set = loadSettings({
      cwd: folder(),
      env: {
        TESSERA_TOKEN_FAMILIES: 'true', TESSERA_SESSION_ABSOLUTE_LIFETIME: '30d', TESSERA_SESSION_IDLE_TIMEOUT: '2h',
        TESSERA_SESSIONS_PER_USER: '5', TESSERA_SESSION_LIMIT_POLICY: 'refuse',
      },
    });
    assert.deepEqual([set.sessionAbsoluteLifetime, set.sessionIdleTimeout, set.sessionsPerUser, set.sessionLimitPolicy], [30 * 86400, 7200, 5, 'refuse']);
  });

  const bad: [Record<string, string>, RegExp][] = [
    [{ TESSERA_SESSION_ABSOLUTE_LIFETIME: '30x' }, /^TESSERA_SESSION_ABSOLUTE_LIFETIME: "30x" is not a duration/],
    [{ TESSERA_SESSION_IDLE_TIMEOUT: '-5' }, /^TESSERA_SESSION_IDLE_TIMEOUT: "-5" is not a duration/],
    [{ TESSERA_SESSIONS_PER_USER: '-1' }, /^TESSERA_SESSIONS_PER_USER: "-1" is not a whole number; use 0 for no limit$/],
    [{ TESSERA_SESSIONS_PER_USER: '2.5' }, /^TESSERA_SESSIONS_PER_USER: "2\.5" is not a whole number/],
    [{ TESSERA_SESSION_LIMIT_POLICY: 'drop' }, /^TESSERA_SESSION_LIMIT_POLICY: "drop" is not one of evict, refuse$/],
    // Without token families there is no session to end: said, not ignored.
    [{ TESSERA_SESSION_IDLE_TIMEOUT: '1h' }, /^TESSERA_SESSION_IDLE_TIMEOUT: needs tokenFamilies: true \(TESSERA_TOKEN_FAMILIES=true\)/],
    [{ TESSERA_SESSIONS_PER_USER: '3' }, /^TESSERA_SESSIONS_PER_USER: needs tokenFamilies/],
  ];
  for (const [env, pattern] of bad) {
    test(`${JSON.stringify(env)} is refused with a one-line error naming the setting`, () => {
      assert.match(settingsError({ cwd: folder(), env: { TESSERA_TOKEN_FAMILIES: 'true', ...env, ...(pattern.source.includes('needs') ? { TESSERA_TOKEN_FAMILIES: 'false' } : {}) } }).message, pattern);
    });
  }

  test('a config file names the key', () => {
    const dir = folder(JSON.stringify({ sessionAbsoluteLifetime: 3600 }));
    assert.match(settingsError({ cwd: dir, env: {} }).message, /^tessera\.config\.json: sessionAbsoluteLifetime: needs tokenFamilies/);
    assert.match(settingsError({ cwd: folder(JSON.stringify({ tokenFamilies: true, sessionsPerUser: 'many' })), env: {} }).message,
      /^tessera\.config\.json: sessionsPerUser: "many" is not a whole number/);
  });
});

describe('freshLoginMaxAge (TESSERA_FRESH_LOGIN_MAX_AGE)', () => {
  test('10 minutes by default; a duration, or 0 / off / false for none', () => {
    assert.equal(loadSettings({ cwd: folder(), env: {} }).freshLoginMaxAge, 600);
    const cases: [string, number][] = [['5m', 300], ['90', 90], ['0', 0], ['off', 0], [' OFF ', 0], ['false', 0], ['1h', 3600]];
    for (const [value, seconds] of cases) {
      assert.equal(loadSettings({ cwd: folder(), env: { TESSERA_FRESH_LOGIN_MAX_AGE: value } }).freshLoginMaxAge, seconds, value);
    }
    assert.equal(loadSettings({ cwd: folder(JSON.stringify({ freshLoginMaxAge: false })), env: {} }).freshLoginMaxAge, 0);
  });

  for (const value of ['soon', '-5', '5 minutes', '']) {
    test(`${JSON.stringify(value)} is refused with a one-line error naming the setting and "off"`, () => {
      const { message } = settingsError({ cwd: folder(), env: { TESSERA_FRESH_LOGIN_MAX_AGE: value } });
      assert.match(message, /^TESSERA_FRESH_LOGIN_MAX_AGE: ".*" is not a duration; use whole seconds \(300\) or a number with s, m, h or d \(5m, 10m\), or off$/);
      assert.doesNotMatch(message, /\n/);
    });
  }
});
