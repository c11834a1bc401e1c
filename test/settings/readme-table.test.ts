import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { DEFAULT_SETTINGS } from '../../src/settings/index.js';

/** The setting names of the README's settings table (a row may name several: "| `audience`, `issuer` |"). */
function documentedSettings(): string[] {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('\n## Settings\n'), readme.indexOf('\n## ', readme.indexOf('\n## Settings\n') + 1));
  const names: string[] = [];
  for (const line of section.split('\n')) {
    const first = /^\| ((?:`\w+`(?:, )?)+) \|/.exec(line)?.[1];
    for (const match of first?.matchAll(/`(\w+)`/g) ?? []) names.push(match[1]!);
  }
  return names;
}

test('the README settings table has one row for every setting, and no row for a setting that does not exist', () => {
  const documented = documentedSettings();
  const settings = Object.keys(DEFAULT_SETTINGS);
  assert.deepEqual(settings.filter((name) => !documented.includes(name)), [], 'settings without a README row');
  assert.deepEqual(documented.filter((name) => !settings.includes(name)), [], 'README rows naming no setting');
  assert.deepEqual(documented.filter((name, i) => documented.indexOf(name) !== i), [], 'settings with two rows');
});
