import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import axios, { AxiosError } from 'axios';
import { isReauthenticationRequired, TesseraClient, type LogoutReason } from '../../src/client/index.js';
import { attachTessera } from '../../src/client/axios.js';
import { countingFetch, inspectableStorage, REFRESH_CALL } from '../support/client-fixtures.js';
import { decodeJwt, startServer, type TestServer } from '../support/server.js';

const PASSWORD = 'Ab12345678';
const ACCESS_LIFETIME = 5 * 60;

describe('attachTessera: a real axios instance against a real server', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ rotateRefreshTokens: true, blacklistAfterRotation: true, throttleEnabled: false });
    await server.createUser('alice', PASSWORD);
  });
  after(() => server.close());

  /** An axios instance on the server, with tessera attached; the client's refreshes are counted. */
  function setUp(now: () => number = server.clock.read) {
    const counter = countingFetch();
    const logouts: LogoutReason[] = [];
    const storage = inspectableStorage();
    const client = new TesseraClient({ baseUrl: server.url, fetch: counter.fetch, storage, now, onLogout: (r) => logouts.push(r) });
    const api = axios.create({ baseURL: server.url });
    const seen: Array<string | undefined> = [];
    api.interceptors.request.use((config) => {
      seen.push(config.headers.get('Authorization')?.toString());
      return config;
    });
    const detach = attachTessera(api, client);
    return { client, api, counter, logouts, storage, seen, detach };
  }

  test('adds the Bearer header; CRUD on /studentapi/ works through it', async () => {
    const { client, api, storage } = setUp();
    await client.login('alice', PASSWORD);
    const created = await api.post('/studentapi/', { name: 'ronaldo', roll: 7, city: 'Lisbon' });
    assert.equal(created.status, 201);
    const list = await api.get('/studentapi/');
    assert.ok((list.data as Array<{ name: string }>).some((student) => student.name === 'ronaldo'));
    const removed = await api.delete(`/studentapi/${created.data.id}/`);
    assert.equal(removed.status, 204);
    assert.ok(storage.values().access);
  });

  test('20 concurrent requests with an expired access token: one refresh, all succeed', async () => {
    const { client, api, counter } = setUp();
    await client.login('alice', PASSWORD);
    server.clock.advance(ACCESS_LIFETIME + 1);
    const answers = await Promise.all(Array.from({ length: 20 }, () => api.get('/api/user/')));
    assert.ok(answers.every((answer) => answer.status === 200 && answer.data.username === 'alice'));
    assert.equal(counter.count(REFRESH_CALL), 1);
  });

  test('a 401 refreshes once and retries once with the new token', async () => {
    const lagging = server.clock.now;
    const { client, api, counter, storage, seen } = setUp(() => lagging);
    await client.login('alice', PASSWORD);
    const old = storage.values().access;
    server.clock.advance(ACCESS_LIFETIME + 1);
    const answers = await Promise.all(Array.from({ length: 5 }, () => api.get('/api/user/')));
    assert.ok(answers.every((answer) => answer.data.username === 'alice'));
    assert.equal(counter.count(REFRESH_CALL), 1);
    const now = storage.values().access;
    assert.notEqual(now, old);
    // Interceptors run last-added first: `seen` holds what the server got, old token then new.
    assert.deepEqual(seen, [...Array(5).fill(`Bearer ${old}`), ...Array(5).fill(`Bearer ${now}`)]);
  });

  test('signed out by an expired refresh token: the 401 surfaces as an AxiosError and onLogout says "expired"', async () => {
    const { client, api, logouts } = setUp();
    await client.login('alice', PASSWORD);
    server.clock.advance(24 * 60 * 60 + 1);
    await assert.rejects(api.get('/api/user/'), (error: unknown) => error instanceof AxiosError && error.response?.status === 401);
    assert.deepEqual(logouts, ['expired']);
  });

  test('a stale login: the 403 AxiosError is recognised by isReauthenticationRequired; after reauthenticate the retry carries the fresh token', async () => {
    await server.createUser('bob', PASSWORD);
    const { client, api, storage } = setUp();
    await client.login('bob', PASSWORD);
    server.clock.advance(601); // Past freshLoginMaxAge (600 s by default).
    const change = () => api.post('/auth/users/set_password/', { current_password: PASSWORD, new_password: 'Zx98765432' });
    const refused = await change().then(() => null, (error: unknown) => error);
    assert.ok(refused instanceof AxiosError);
    assert.equal(refused.response?.status, 403);
    assert.equal(isReauthenticationRequired(refused), true);
    assert.equal(isReauthenticationRequired(new AxiosError('no answer')), false);
    await client.reauthenticate(PASSWORD);
    assert.equal(decodeJwt(storage.values().access!).claims.auth_time, Math.floor(server.clock.now / 1000));
    assert.equal((await change()).status, 204);
  });

  test('the detach function removes both interceptors', async () => {
    const { client, api, detach } = setUp();
    await client.login('alice', PASSWORD);
    assert.equal((await api.get('/api/user/')).status, 200);
    detach();
    await assert.rejects(api.get('/api/user/'), (error: unknown) => error instanceof AxiosError && error.response?.status === 401);
  });
});

describe('attachTessera: retry once only', () => {
  let server: TestServer;
  before(async () => {
    // Only "JWT <token>" is read: every Bearer request is a 401, the retry too.
    server = await startServer({ authHeaderTypes: ['JWT'], throttleEnabled: false });
    await server.createUser('alice', PASSWORD);
  });
  after(() => server.close());

  test('the retried request\'s 401 is surfaced, after exactly one refresh', async () => {
    const counter = countingFetch();
    const client = new TesseraClient({ baseUrl: server.url, fetch: counter.fetch, now: server.clock.read });
    const api = axios.create({ baseURL: server.url });
    let sent = 0;
    api.interceptors.request.use((config) => {
      sent++;
      return config;
    });
    attachTessera(api, client);
    await client.login('alice', PASSWORD);
    await assert.rejects(api.get('/api/user/'), (error: unknown) => error instanceof AxiosError && error.response?.status === 401);
    assert.equal(counter.count(REFRESH_CALL), 1);
    assert.equal(sent, 2);
  });
});
