import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { DEFAULT_SETTINGS } from '../../src/settings/index.js';

const TABLE_HEADER = '| setting | default | accepts |';

/** The setting names of docs/settings.md's table (a row may name several: "| `audience`, `issuer` |"). */
function documentedSettings(): string[] {
  const lines = readFileSync(new URL('../../docs/settings.md', import.meta.url), 'utf8').split('\n');
  const start = lines.indexOf(TABLE_HEADER);
  assert.ok(start >= 0, `docs/settings.md has no table headed ${TABLE_HEADER}`);
  const names: string[] = [];
  // The table runs from its header to the first line that is not a table row.
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    const first = /^\| ((?:`\w+`(?:, )?)+) \|/.exec(line)?.[1];
    assert.ok(first, `a row of the settings table that names no setting: ${line}`);
    for (const match of first.matchAll(/`(\w+)`/g)) names.push(match[1]!);
  }
  return names;
}

test('the settings table in docs/settings.md has one row for every setting, and no row for a setting that does not exist', () => {
  const documented = documentedSettings();
  const settings = Object.keys(DEFAULT_SETTINGS);
  assert.deepEqual(settings.filter((name) => !documented.includes(name)), [], 'settings without a row');
  assert.deepEqual(documented.filter((name) => !settings.includes(name)), [], 'rows naming no setting');
  assert.deepEqual(documented.filter((name, i) => documented.indexOf(name) !== i), [], 'settings with two rows');
});
