import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTessera } from '../../src/index.js';
import {
  envName, loadSettings, OTHER_VARIABLE_PREFIXES, OTHER_VARIABLES, SETTING_NAMES, UnknownSettingError, type Settings,
} from '../../src/settings/index.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function folder(config?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-unknown-'));
  dirs.push(dir);
  if (config !== undefined) writeFileSync(join(dir, 'tessera.config.json'), config);
  return dir;
}

/** The UnknownSettingError `load` throws, checked to be one line. */
function unknownSetting(load: () => unknown): UnknownSettingError {
  try {
    load();
  } catch (error) {
    assert.ok(error instanceof UnknownSettingError, `expected an UnknownSettingError, got ${String(error)}`);
    assert.equal(error.code, 'invalid_setting');
    assert.ok(!error.message.includes('\n'), error.message);
    return error;
  }
  assert.fail('expected an UnknownSettingError');
}

describe('an unknown TESSERA_* variable is refused with the closest name', () => {
  test('a misspelt setting names the one meant', () => {
    const error = unknownSetting(() => loadSettings({ cwd: folder(), env: { TESSERA_ACESS_TOKEN_LIFETIME: '5' } }));
    assert.equal(error.message, 'unknown setting TESSERA_ACESS_TOKEN_LIFETIME; did you mean TESSERA_ACCESS_TOKEN_LIFETIME?');
    assert.equal(error.suggestion, 'TESSERA_ACCESS_TOKEN_LIFETIME');
  });

  test('a name near nothing points at the list of settings', () => {
    const error = unknownSetting(() => loadSettings({ cwd: folder(), env: { TESSERA_FOO: '1' } }));
    assert.equal(error.message, 'unknown setting TESSERA_FOO; docs/settings.md lists the settings');
  });

  test('a misspelt variable that is not a setting is found too', () => {
    const error = unknownSetting(() => loadSettings({ cwd: folder(), env: { TESSERA_SUPERUSER_PASWORD: 'x' } }));
    assert.match(error.message, /did you mean TESSERA_SUPERUSER_PASSWORD\?$/);
  });

  test('the variables tessera reads elsewhere are accepted, and other prefixes are not looked at', () => {
    const env = {
      TESSERA_SUPERUSER_PASSWORD: 'x', TESSERA_URL: 'http://127.0.0.1:8000', TESSERA_NEXT_DIST_DIR: '.next',
      TESSERA_TEST_DATABASE: 'sqlite', TESSERA_TEST_ANYTHING: '1', TESSERA_REQUIRE_SERVICES: '1', TESSERA_BENCH_POSTGRES_URL: 'postgres://x',
      TESSERA_PEER_SCRIPT: '/x', TESSERA_SIDE_BY_SIDE_VERBOSE: '1', TESSERAX: 'not ours', VITE_TESSERA_URL: 'not ours', PATH: '/bin',
    };
    assert.equal(loadSettings({ cwd: folder(), env: { ...env, TESSERA_PORT: '9000' } }).port, 9000);
  });

  test('a variable set to undefined (deleted from a copied environment) is not a setting written', () => {
    assert.equal(loadSettings({ cwd: folder(), env: { TESSERA_ACESS_TOKEN_LIFETIME: undefined } }).accessTokenLifetime, 300);
  });

  test('the misspelling is reported before a bad value of another setting', () => {
    const error = unknownSetting(() => loadSettings({ cwd: folder(), env: { TESSERA_PORT: 'x', TESSERA_LOG_LEVL: 'info' } }));
    assert.match(error.message, /^unknown setting TESSERA_LOG_LEVL; did you mean TESSERA_LOG_LEVEL\?$/);
  });
});

describe('an unknown key from code is refused with the closest name', () => {
  test('loadSettings({overrides})', () => {
    const overrides = { accesTokenLifetime: 5 } as unknown as Partial<Settings>;
    const error = unknownSetting(() => loadSettings({ cwd: folder(), overrides }));
    assert.equal(error.message, 'unknown setting "accesTokenLifetime"; did you mean "accessTokenLifetime"?');
  });

  test('createTessera({settings}) with a key added by hand (JavaScript has no type check)', () => {
    const settings = { ...loadSettings({ cwd: folder(), overrides: { databaseUrl: 'sqlite::memory:' } }), rotateRefreshToken: true };
    const error = unknownSetting(() => createTessera({ settings: settings as Settings }));
    assert.equal(error.message, 'unknown setting "rotateRefreshToken"; did you mean "rotateRefreshTokens"?');
  });

  test('a config file key, named with the file', () => {
    const error = unknownSetting(() => loadSettings({ cwd: folder(JSON.stringify({ port: 9000, acessTokenLifetime: 5 })), env: {} }));
    assert.equal(error.message, 'unknown setting "acessTokenLifetime" in tessera.config.json; did you mean "accessTokenLifetime"?');
  });
});

/** Files under `dir` (no node_modules, build output or dot folders). */
function* sourceFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sourceFiles(path);
    else if (/\.(ts|tsx|mts|mjs|js|vue|json)$/.test(name)) yield path;
  }
}

describe('every TESSERA_* variable tessera reads is a known one', () => {
  const settingVariables = new Set(SETTING_NAMES.map(envName));
  const known = (name: string) =>
    settingVariables.has(name) || Object.hasOwn(OTHER_VARIABLES, name) || OTHER_VARIABLE_PREFIXES.some((prefix) => name.startsWith(prefix));

  test('every TESSERA_ name in src/, examples/, scripts/ and bench/ (other than identifiers declared there)', () => {
    const found = new Map<string, string>();
    const declared = new Set<string>();
    for (const folderName of ['src', 'examples', 'scripts', 'bench']) {
      for (const file of sourceFiles(join(ROOT, folderName))) {
        const text = readFileSync(file, 'utf8');
        // NestJS injection tokens (src/nest/tokens.ts) are constants, not variables.
        for (const match of text.matchAll(/\b(?:const|let|var)\s+(TESSERA_[A-Z0-9_]+)\s*=/g)) declared.add(match[1]!);
        for (const match of text.matchAll(/\bTESSERA_[A-Z0-9_]*[A-Z0-9]\b/g)) if (!found.has(match[0])) found.set(match[0], file.slice(ROOT.length));
      }
    }
    assert.ok(found.has('TESSERA_NEXT_DIST_DIR') && found.has('TESSERA_URL'), 'the scan found the examples\' variables');
    const unknown = [...found].filter(([name]) => !declared.has(name) && !known(name));
    assert.deepEqual(unknown, [], 'list these in src/settings/known-names.ts (OTHER_VARIABLES) or make them settings');
  });

  test('every process.env.TESSERA_* the test suite reads', () => {
    const unknown: string[] = [];
    let reads = 0;
    for (const file of sourceFiles(join(ROOT, 'test'))) {
      for (const match of readFileSync(file, 'utf8').matchAll(/process\.env(?:\.|\[['"])(TESSERA_[A-Z0-9_]+)/g)) {
        reads++;
        if (!known(match[1]!)) unknown.push(`${match[1]} (${file.slice(ROOT.length)})`);
      }
    }
    assert.ok(reads > 5, 'the scan found the suite\'s variables');
    assert.deepEqual(unknown, []);
  });
});
