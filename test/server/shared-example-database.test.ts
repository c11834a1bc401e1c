import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { STUDENT_MIGRATIONS } from '../../examples/seed-api/index.js';
import { SERVER_MIGRATIONS } from '../../src/server/index.js';
import { openStore } from '../../src/store/index.js';
import { createTestDatabase } from '../support/database.js';

// An example (examples/express, hono, nest) and the ready server on one database: both make seed
// 004's students table, each under its own migrations; whichever starts second adopts it.
test('the ready server starts on a database an example migrated first, and the students are kept', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-shared-example-'));
  const database = await createTestDatabase(dir);
  try {
    const example = openStore(database.url);
    await example.migrate(STUDENT_MIGRATIONS);
    await example.database.db.insertInto('api_student' as never).values({ name: 'Sonam', roll: 1, city: 'Ranchi' } as never).execute();
    await example.close();

    const server = openStore(database.url);
    try {
      await server.migrate(SERVER_MIGRATIONS);
      const rows = await server.database.db.selectFrom('api_student' as never).select(['name' as never]).execute();
      assert.deepEqual(rows, [{ name: 'Sonam' }]);
    } finally {
      await server.close();
    }
  } finally {
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  }
});
