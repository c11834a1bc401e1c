import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { AccessToken, TokenError, UntypedToken } from '../../src/tokens/index.js';
import { startServer, startSignedIn, TEST_SIGNING_KEY, type TestServer } from '../support/server.js';

/**
 * Property-based tests: no input makes the token parser throw anything but `TokenError`, and no
 * request makes the server answer 500 or stop answering. Runs are bounded and seeded; set
 * FC_SEED to replay a failure (the seed and counterexample are printed when a property fails).
 */
const SEED = process.env.FC_SEED ? Number(process.env.FC_SEED) : 20260101;
const RUNS = Number(process.env.FC_RUNS ?? 300);

async function check<T>(name: string, property: fc.IAsyncProperty<T> | fc.IProperty<T>, numRuns = RUNS): Promise<void> {
  const details = await fc.check(property as fc.IAsyncProperty<T>, { seed: SEED, numRuns });
  if (details.failed) {
    console.log(`# property "${name}" failed: FC_SEED=${details.seed} path=${details.counterexamplePath} counterexample=${fc.stringify(details.counterexample).slice(0, 2000)}`);
  }
  assert.equal(details.failed, false, fc.defaultReportMessage(details) ?? name);
  assert.equal(details.numRuns, numRuns, `${name}: ran ${details.numRuns} of ${numRuns}`);
}

const b64 = (value: string | Uint8Array) => Buffer.from(value).toString('base64url');
const sign = (input: string, key = TEST_SIGNING_KEY) => createHmac('sha256', key).update(input).digest('base64url');

/** Strings an attacker might write: any unicode, lone surrogates, JWT-ish alphabets. */
const anyString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ '), maxLength: 300 }),
  fc.string({ unit: 'grapheme', maxLength: 100 }),
);
const jsonValue = fc.jsonValue({ maxDepth: 3 });
const claimValue = fc.oneof(jsonValue, fc.constantFrom(1e308, -1, 0, 1.5, Number.MAX_SAFE_INTEGER + 2, '1', 'access', 'refresh', 'sliding', null, true));

describe('the token parser', () => {
  let server: TestServer;
  let now: number;
  before(async () => {
    server = await startServer({ throttleEnabled: false });
    now = Math.floor(server.clock.now / 1000);
  });
  after(() => server.close());

  /** Parses as both an access token and any token: returns, or throws TokenError, nothing else. */
  const parses = async (token: string): Promise<'valid' | 'refused'> => {
    const context = server.tessera.tokenContext;
    let result: 'valid' | 'refused' = 'valid';
    for (const Kind of [AccessToken, UntypedToken]) {
      try {
        const parsed = await (Kind as typeof AccessToken).fromString(context, token);
        // Whatever is accepted really is a live token of that kind.
        assert.equal(typeof parsed.payload.exp, 'number');
        assert.ok((parsed.payload.exp as number) > now);
        assert.equal(typeof parsed.payload.jti, 'string');
        if (Kind === AccessToken) assert.equal(parsed.payload.token_type, 'access');
      } catch (error) {
        if (!(error instanceof TokenError)) throw error;
        result = 'refused';
      }
    }
    return result;
  };

  test('arbitrary strings', async () => {
    await check('arbitrary strings', fc.asyncProperty(anyString, async (token) => {
      assert.equal(await parses(token), 'refused');
    }));
  });

  test('three base64url segments of arbitrary JSON and bytes', async () => {
    await check('3-part JSON', fc.asyncProperty(jsonValue, jsonValue, fc.uint8Array({ maxLength: 80 }), async (header, payload, signature) => {
      const token = `${b64(JSON.stringify(header) ?? '')}.${b64(JSON.stringify(payload) ?? '')}.${b64(signature)}`;
      assert.equal(await parses(token), 'refused');
    }));
  });

  test('arbitrary headers over a valid payload, signed with the real key', async () => {
    const header = fc.dictionary(
      fc.oneof(fc.constantFrom('alg', 'typ', 'kid', 'jku', 'jwk', 'x5u', 'x5c', 'crit', 'b64', 'cty', 'zip', '__proto__'), fc.string({ maxLength: 8 })),
      fc.oneof(claimValue, fc.constantFrom('HS256', 'hs256', 'none', 'RS256', 'ES256', 'HS512', 'JWT', '../../dev/null')),
      { maxKeys: 6 },
    );
    await check('arbitrary headers', fc.asyncProperty(header, async (fields) => {
      const h = b64(JSON.stringify(fields));
      const p = b64(JSON.stringify({ token_type: 'access', exp: now + 300, iat: now, jti: 'f'.repeat(32), user_id: 1 }));
      const outcome = await parses(`${h}.${p}.${sign(`${h}.${p}`)}`);
      // Only a plain HS256 header (alg exactly HS256, nothing we would have to understand) verifies.
      const acceptable = fields.alg === 'HS256' && !('crit' in fields) && !('b64' in fields)
        && !(typeof fields.cty === 'string' && fields.cty.toUpperCase() === 'JWT') && !Object.hasOwn(fields, '__proto__');
      if (!acceptable) assert.equal(outcome, 'refused', JSON.stringify(fields));
    }));
  });

  test('arbitrary claims, signed with the real key', async () => {
    const claims = fc.record(
      { token_type: claimValue, exp: claimValue, iat: claimValue, nbf: claimValue, jti: claimValue, user_id: claimValue },
      { requiredKeys: [] },
    );
    await check('arbitrary claims', fc.asyncProperty(claims, fc.dictionary(fc.string({ maxLength: 10 }), claimValue, { maxKeys: 4 }), async (known, extra) => {
      const h = b64(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
      const p = b64(JSON.stringify({ ...extra, ...known }));
      await parses(`${h}.${p}.${sign(`${h}.${p}`)}`);
    }));
  });

  test('mutations of a real token: any change of one character is refused', async () => {
    const user = await server.createUser('mutant', 'Ab12345678');
    const { access } = await server.login(user.username, 'Ab12345678');
    assert.equal(await parses(access), 'valid');
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ ';
    await check('one-character mutations', fc.asyncProperty(
      fc.nat({ max: access.length - 1 }),
      fc.constantFrom(...alphabet),
      fc.constantFrom('replace', 'insert', 'delete'),
      async (at, char, how) => {
        const mutated = how === 'replace' ? access.slice(0, at) + char + access.slice(at + 1)
          : how === 'insert' ? access.slice(0, at) + char + access.slice(at)
            : access.slice(0, at) + access.slice(at + 1);
        fc.pre(mutated !== access);
        assert.equal(await parses(mutated), 'refused', `${how} ${JSON.stringify(char)} at ${at}`);
      },
    ));
  });
});

describe('the live server', () => {
  let server: TestServer;
  let access: string;
  before(async () => {
    // Throttling would turn most of these into 429s (which satisfy < 500 anyway); off, every
    // request reaches the views.
    ({ server, access } = await startSignedIn({ throttleEnabled: false }, { username: 'prop', password: 'Ab12345678' }));
  });
  after(() => server.close());

  const POST_PATHS = ['/api/token/', '/api/token/refresh/', '/api/token/verify/', '/api/token/blacklist/', '/api/login'];

  const stillAnswers = async () => {
    const answer = await server.get('/api/user/', { authorization: `Bearer ${access}` });
    assert.equal(answer.status, 200, 'the server stopped answering a good request');
  };

  test('arbitrary JSON bodies', async () => {
    const body = fc.oneof(
      jsonValue,
      fc.dictionary(fc.constantFrom('username', 'password', 'refresh', 'token', 'access'), fc.oneof(claimValue, anyString), { maxKeys: 4 }),
    );
    await check('JSON bodies', fc.asyncProperty(fc.constantFrom(...POST_PATHS), body, async (path, value) => {
      const answer = await server.post(path, JSON.stringify(value) ?? 'null');
      assert.ok(answer.status < 500, `${path} ${JSON.stringify(value)} -> ${answer.status} ${answer.text.slice(0, 200)}`);
      assert.ok([200, 400, 401, 429].includes(answer.status), `${path} -> ${answer.status}`);
    }));
    await stillAnswers();
  });

  test('arbitrary bytes under arbitrary content types', async () => {
    const contentType = fc.oneof(
      fc.constantFrom('application/json', 'application/x-www-form-urlencoded', 'multipart/form-data', 'multipart/form-data; boundary=x',
        'text/plain', 'application/json; charset=utf-16', 'application/json; charset=latin1', '', 'application/*', '*/*', 'application/xml'),
      fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz/+;=-* '), maxLength: 40 }),
    );
    await check('raw bodies', fc.asyncProperty(fc.constantFrom(...POST_PATHS), contentType, anyString, async (path, type, text) => {
      const answer = await server.request('POST', path, { body: text, headers: type ? { 'content-type': type } : {} });
      assert.ok(answer.status < 500, `${path} [${type}] ${JSON.stringify(text)} -> ${answer.status} ${answer.text.slice(0, 200)}`);
    }));
    await stillAnswers();
  });

  test('arbitrary Authorization headers', async () => {
    const value = fc.oneof(
      fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 200 }),
      fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 200 }).map((t) => `Bearer ${t}`),
      fc.constantFrom('Bearer', 'Bearer ', 'bearer x', 'Basic', 'Basic !!!', 'Token', 'JWT x', `Bearer ${'a.'.repeat(3000)}`),
    );
    await check('Authorization headers', fc.asyncProperty(fc.constantFrom('/api/user/', '/studentapi/', '/api/token/verify/'), value, async (path, header) => {
      const answer = await server.request(path === '/api/token/verify/' ? 'POST' : 'GET', path, { headers: { authorization: header } });
      assert.ok(answer.status < 500, `${path} ${JSON.stringify(header)} -> ${answer.status} ${answer.text.slice(0, 200)}`);
      if (path === '/api/user/') assert.ok([401, 403].includes(answer.status), `${JSON.stringify(header)} -> ${answer.status}`);
    }));
    await stillAnswers();
  });
});
