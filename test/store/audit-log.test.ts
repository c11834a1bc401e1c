import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AuditLog } from '../../src/store/index.js';
import { temporaryStore } from './helpers.js';

test('deleteBefore removes the events recorded before the cutoff, batch after batch, and keeps the rest', async () => {
  const { dispose, store } = await temporaryStore();
  try {
    const audit = new AuditLog(store.database.db);
    const cutoff = new Date('2026-06-01T00:00:00.000Z');
    const at = (ms: number) => new Date(cutoff.getTime() + ms);
    for (let i = 1; i <= 7; i++) await audit.record({ type: 'token_refreshed', username: `old-${i}`, at: at(-i * 60_000) });
    // The cutoff itself is not before the cutoff.
    await audit.record({ type: 'token_refreshed', username: 'at-cutoff', at: cutoff });
    await audit.record({ type: 'token_refreshed', username: 'newer', at: at(1) });

    // Batches of 3: 3 + 3 + 1 rows, the last batch short, so the loop ends.
    assert.equal(await audit.deleteBefore(cutoff, 3), 7);
    assert.deepEqual((await audit.list()).map((event) => event.username), ['newer', 'at-cutoff']);
    assert.equal(await audit.deleteBefore(cutoff, 3), 0);
  } finally {
    await dispose();
  }
});
