import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createTessera, loadSettings } from '../../src/index.js';
import { issuePair, verifyToken } from '../../src/tokens/index.js';
import { createTestDatabase } from '../support/database.js';
import { TEST_SIGNING_KEY } from '../support/server.js';

const dir = mkdtempSync(join(tmpdir(), 'tessera-core-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('createTessera builds tessera from settings alone: migrate a fresh database, issue and verify a pair, close', async () => {
  const database = await createTestDatabase(dir);
  const settings = loadSettings({ cwd: dir, overrides: { databaseUrl: database.url, dataDir: dir, signingKey: TEST_SIGNING_KEY } });
  const tessera = createTessera({ settings });
  try {
    // Nothing read yet: a fresh database is migrated through the object itself.
    assert.ok((await tessera.migrate()).includes('0001_core_initial'));
    assert.deepEqual(await tessera.migrate(), []);
    const user = await tessera.store.users.create({ username: 'core', password: await tessera.hashers.hash('Ab12345678'), email: 'core@example.com' });
    const pair = await issuePair(tessera.tokenContext, user);
    await verifyToken(tessera.tokenContext, pair.access);
    assert.equal(await tessera.store.tokens.countOutstanding(), 1);
  } finally {
    await tessera.close();
    await database.drop();
  }
  // It opened the store, so it closed it.
  await assert.rejects(tessera.store.users.count());
});
