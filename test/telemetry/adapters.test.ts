// The SDK first: tessera asks once, as it is built, whether one is registered.
import { exporter, parentOf } from './tracing-support.js';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createPasswordHashers } from '../../src/crypto/index.js';
import { loadSettings } from '../../src/settings/index.js';
import { PrometheusMetrics } from '../../src/telemetry/index.js';
import { createTestDatabase } from '../support/database.js';
import { startExampleApp } from '../support/example-server.js';
import { TEST_SIGNING_KEY } from '../support/server.js';
import { sample } from './metrics-support.js';

const PASSWORD = 'Ad4pter-pass-word';

/** Express and Hono serve tessera's views through the contract's pipeline: the same spans and series as Fastify's hooks. */
for (const adapter of ['express', 'web'] as const) {
  describe(`the ${adapter} adapter (the shared pipeline)`, () => {
    test('a span per request named by route pattern, the use case under it, and request times by route and status', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'tessera-telemetry-'));
      const database = await createTestDatabase(dir);
      const settings = loadSettings({ cwd: dir, overrides: { databaseUrl: database.url, dataDir: dir, signingKey: TEST_SIGNING_KEY, logLevel: 'silent', metrics: true } });
      const started = await startExampleApp(adapter, settings, Date.now, {});
      try {
        const hashers = createPasswordHashers();
        await started.tessera.store.users.create({ username: 'ada', password: await hashers.hash(PASSWORD), email: 'ada@example.com' });
        exporter.reset();
        const login = await fetch(`${started.url}/api/token/`, {
          method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'ada', password: PASSWORD }),
        });
        assert.equal(login.status, 200);
        const { access, refresh } = await login.json() as { access: string; refresh: string };
        const spans = exporter.getFinishedSpans();
        const request = spans.find((span) => span.name === 'POST /api/token/');
        assert.ok(request, `a request span among ${spans.map((span) => span.name).join(', ')}`);
        assert.equal(request.attributes['http.response.status_code'], 200);
        const useCase = spans.find((span) => span.name === 'tessera.tokens.obtainPair');
        assert.equal(useCase && parentOf(useCase, spans), request);
        for (const span of spans) {
          for (const value of [span.name, ...Object.values(span.attributes).map(String)]) {
            for (const secret of [PASSWORD, access, refresh]) assert.ok(!value.includes(secret), `${span.name} carries a secret`);
          }
        }

        assert.ok(started.tessera.metrics instanceof PrometheusMetrics);
        const text = await started.tessera.metrics.registry.metrics();
        assert.equal(sample(text, 'tessera_login_attempts_total{outcome="success"}'), 1);
        assert.equal(sample(text, 'tessera_http_request_duration_seconds_count{route="/api/token/",status="200"}'), 1);
      } finally {
        await started.close();
        await database.drop();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
