import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanUp, freshFolder, runCli, startServe, type Served } from '../support/cli-process.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { decodeJwt } from '../support/server.js';

const PASSWORD = 'keys-Test-pass-4417';
const ISO = '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z';

/** The kid each audit event of `type` names, oldest first, read through `tessera audit --json`. */
async function auditedKids(dir: string, env: Record<string, string>, type: string): Promise<string[]> {
  const run = await runCli(dir, ['audit', '--type', type, '--json'], env);
  assert.equal(run.code, 0, run.stderr);
  return run.stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line).detail.kid).reverse();
}

describe('tessera keys generate | list | rotate (real CLI processes, ES256)', () => {
  let dir: string;
  let database: TestDatabase;
  let env: Record<string, string>;
  let served: Served | null = null;

  before(async () => {
    dir = freshFolder('tessera-keys-');
    database = await createTestDatabase(dir);
    env = { TESSERA_DATABASE_URL: database.url, TESSERA_DATA_DIR: dir, TESSERA_ALGORITHM: 'ES256', TESSERA_LOG_LEVEL: 'silent' };
    const created = await runCli(dir, ['createsuperuser', '--username', 'keeper', '--email', 'k@example.com', '--no-input'], {
      ...env, TESSERA_SUPERUSER_PASSWORD: PASSWORD,
    });
    assert.equal(created.code, 0, created.stderr);
  });
  after(async () => {
    if (served) {
      served.child.kill('SIGTERM');
      await served.exited;
    }
    await database.drop();
    cleanUp();
  });

  /** Serves, logs in once, stops: the pair as signed by the keyring's active key at that time. */
  async function loginOnce(): Promise<{ access: string; refresh: string; url: string }> {
    served = await startServe(dir, [], env);
    const answer = await fetch(`${served.url}/api/token/`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'keeper', password: PASSWORD }),
    });
    assert.equal(answer.status, 200);
    return { ...((await answer.json()) as { access: string; refresh: string }), url: served.url };
  }

  async function stopServing(): Promise<void> {
    served!.child.kill('SIGTERM');
    await served!.exited;
    served = null;
  }

  let firstKid = '';
  let secondKid = '';
  let earlier: { access: string; refresh: string } = { access: '', refresh: '' };

  test('generate --alg ES256: the first key signs at once and is audited as key_generated', async () => {
    const run = await runCli(dir, ['keys', 'generate', '--alg', 'ES256'], env);
    assert.equal(run.code, 0, run.stderr);
    const match = /^Generated ES256 key (\S+) \(active\)\.\n$/.exec(run.stdout);
    assert.ok(match, run.stdout);
    firstKid = match[1]!;
    assert.doesNotMatch(run.stdout + run.stderr, /PRIVATE KEY/);
    assert.deepEqual(await auditedKids(dir, env, 'key_generated'), [firstKid]);
  });

  test('list shows kid, alg, created and state, one key a line, never key material', async () => {
    const run = await runCli(dir, ['keys', 'list'], env);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`^${firstKid}  ES256  created ${ISO}  active\\n$`));
  });

  test('a token signed before rotation carries the first kid and verifies by it (token decode)', async () => {
    earlier = await loginOnce();
    await stopServing();
    const header = decodeJwt(earlier.access).header;
    assert.equal(header.alg, 'ES256');
    assert.equal(header.kid, firstKid);
    const run = await runCli(dir, ['token', 'decode', earlier.access], env);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`^Verification: valid: verified with database keyring key ${firstKid} \\(ES256, active\\)$`, 'm'));
  });

  test('rotate: a new key signs, the old one verifies until its tokens expire; audited as key_rotated', async () => {
    const run = await runCli(dir, ['keys', 'rotate'], env);
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.trimEnd().split('\n');
    const active = /^Active: ES256 key (\S+)\.$/.exec(lines[0]!);
    assert.ok(active, run.stdout);
    secondKid = active[1]!;
    assert.notEqual(secondKid, firstKid);
    assert.match(lines[1]!, new RegExp(`^Retiring: ${firstKid} \\(verifies until ${ISO}\\)\\.$`));
    assert.equal(lines.length, 2);
    assert.deepEqual(await auditedKids(dir, env, 'key_rotated'), [secondKid]);

    const list = await runCli(dir, ['keys', 'list'], env);
    const listed = list.stdout.trimEnd().split('\n');
    assert.equal(listed.length, 2);
    assert.match(listed[0]!, new RegExp(`^${firstKid}  ES256  created ${ISO}  retiring  retires ${ISO}$`));
    assert.match(listed[1]!, new RegExp(`^${secondKid}  ES256  created ${ISO}  active$`));
  });

  test('after rotation new tokens carry the new kid; the token from before still verifies (served and decoded)', async () => {
    const later = await loginOnce();
    assert.equal(decodeJwt(later.access).header.kid, secondKid);
    assert.equal(decodeJwt(later.refresh).header.kid, secondKid);
    const verify = (token: string) => fetch(`${later.url}/api/token/verify/`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }),
    });
    assert.equal((await verify(earlier.access)).status, 200, 'signed by the retiring key');
    assert.equal((await verify(later.access)).status, 200);
    await stopServing();

    const old = await runCli(dir, ['token', 'decode', earlier.access], env);
    assert.match(old.stdout, new RegExp(`^Verification: valid: verified with database keyring key ${firstKid} \\(ES256, retiring\\)$`, 'm'));
    const fresh = await runCli(dir, ['token', 'decode', later.access], env);
    assert.match(fresh.stdout, new RegExp(`^Verification: valid: verified with database keyring key ${secondKid} \\(ES256, active\\)$`, 'm'));
  });

  test('a bad --alg is a one-line error and exit 2', async () => {
    for (const args of [['keys', 'generate', '--alg', 'HS256'], ['keys', 'generate', '--alg', 'ES999'], ['keys', 'rotate', '--alg', 'none']]) {
      const run = await runCli(dir, args, env);
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.equal(run.stdout, '');
      const lines = run.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, run.stderr);
      assert.match(lines[0]!, /^tessera: error: --alg must be one of RS256, .*EdDSA$/);
    }
    const missing = await runCli(dir, ['keys', 'generate'], env);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^tessera: error: keys generate needs --alg \(for example --alg ES256\)\n$/);
    // Nothing was added by the refused commands.
    assert.equal((await runCli(dir, ['keys', 'list'], env)).stdout.trimEnd().split('\n').length, 2);
  });
});
