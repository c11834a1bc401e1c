import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Runs `script` as an ES module in a fresh Node with tsx, the web frameworks and the drivers made absent. */
function withoutServers(script: string) {
  return spawnSync(process.execPath, [
    '--import', 'tsx', '--import', join(ROOT, 'test/fixtures/forbid-frameworks.mjs'), '--import', join(ROOT, 'test/fixtures/forbid-drivers.mjs'),
    '--input-type=module', '-e', script,
  ], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
}

test('tessera/verify loads and verifies with no web framework and no database or Redis driver', () => {
  // An issuer in a few lines: a JWKS and a feed that names one ended session.
  const run = withoutServers(`
    import { createServer } from 'node:http';
    import { generateKeyPairSync } from 'node:crypto';
    import { createSigner } from 'fast-jwt';
    const { createVerifier } = await import('./src/verify/index.ts');
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'ES256', use: 'sig' };
    const server = createServer((request, response) => {
      const body = request.url.startsWith('/.well-known/jwks.json') ? { keys: [jwk] }
        : { cursor: '1', sessions: [{ family: 'ended', ended: new Date().toISOString(), expires: new Date(Date.now() + 60000).toISOString() }], cutoffs: [] };
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    const sign = createSigner({ key: privateKey.export({ type: 'pkcs8', format: 'pem' }), algorithm: 'ES256', kid: 'k1' });
    const claims = (fam) => ({ token_type: 'access', jti: fam, user_id: 1, fam, exp: Math.floor(Date.now() / 1000) + 60 });
    const verifier = createVerifier({ issuerUrl: 'http://127.0.0.1:' + server.address().port, revocationsToken: 'x'.repeat(32) });
    const live = await verifier.verify(sign(claims('live')));
    const ended = await verifier.verify(sign(claims('ended'))).catch((error) => error.message);
    verifier.close();
    server.close();
    let pg = 'loaded';
    await import('pg').catch((error) => { pg = error.message; });
    console.log(JSON.stringify({ live: live.fam, ended, pg }));
  `);
  assert.equal(run.status, 0, run.stderr);
  const result = JSON.parse(run.stdout.trim()) as { live: string; ended: string; pg: string };
  assert.equal(result.live, 'live');
  assert.equal(result.ended, 'Token is blacklisted');
  assert.match(result.pg, /hidden by forbid-drivers/, 'the hook does hide the drivers');
});
