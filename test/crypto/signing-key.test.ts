import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveSigningKey, SIGNING_KEY_FILE } from '../../src/crypto/index.js';

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-key-'));
  dirs.push(dir);
  return dir;
}

test('with no key, 64 random bytes are generated as hex and kept in dataDir/signing.key, mode 0600', () => {
  const dataDir = join(folder(), 'data');
  const key = resolveSigningKey({ signingKey: '', dataDir });
  assert.match(key, /^[0-9a-f]{128}$/);
  const path = join(dataDir, SIGNING_KEY_FILE);
  assert.equal(readFileSync(path, 'utf8').trim(), key);
  assert.equal(statSync(path).mode & 0o777, 0o600);
});

test('the generated key is reused on the next call', () => {
  const dataDir = folder();
  const first = resolveSigningKey({ signingKey: '', dataDir });
  const second = resolveSigningKey({ signingKey: '', dataDir });
  assert.equal(second, first);
});

test('two data folders get different keys', () => {
  assert.notEqual(resolveSigningKey({ signingKey: '', dataDir: folder() }), resolveSigningKey({ signingKey: '', dataDir: folder() }));
});

test('a key already in the file is used as it is', () => {
  const dataDir = folder();
  const kept = 'a'.repeat(64);
  writeFileSync(join(dataDir, SIGNING_KEY_FILE), `${kept}\n`, { mode: 0o600 });
  assert.equal(resolveSigningKey({ signingKey: '', dataDir }), kept);
});

test('a configured key wins, and no file is written', () => {
  const dataDir = folder();
  const configured = 'configured-signing-key-of-at-least-32-bytes';
  assert.equal(resolveSigningKey({ signingKey: configured, dataDir }), configured);
  assert.equal(existsSync(join(dataDir, SIGNING_KEY_FILE)), false);
  // ... even when a generated key is already kept.
  const generated = resolveSigningKey({ signingKey: '', dataDir });
  assert.notEqual(generated, configured);
  assert.equal(resolveSigningKey({ signingKey: configured, dataDir }), configured);
});

test('a kept key file that is empty or too short is refused with a one-line fix', () => {
  const dataDir = folder();
  writeFileSync(join(dataDir, SIGNING_KEY_FILE), 'short\n', { mode: 0o600 });
  assert.throws(() => resolveSigningKey({ signingKey: '', dataDir }), /signingKey: .*holds no usable key.*delete it/);
});
