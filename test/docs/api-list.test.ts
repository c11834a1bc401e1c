import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

/** The names `src/index.ts` exports, from its `export { ... } from` and `export type { ... } from` lists. */
function rootExports(source: string): string[] {
  const names: string[] = [];
  for (const [, list] of source.matchAll(/^export (?:type )?\{([^}]*)\} from '[^']+';$/gm)) {
    names.push(...list!.split(',').map((name) => name.replace(/^\s*type\s+/, '').trim()).filter(Boolean));
  }
  return names;
}

/** The names docs/api.md lists under "The package root": each item's backquoted names before its first ": ". */
function documentedNames(markdown: string): string[] {
  const section = markdown.split(/^## /m).find((part) => part.startsWith('The package root'));
  assert.ok(section, 'docs/api.md has no "The package root" section');
  const names: string[] = [];
  for (const [, head] of section.matchAll(/^- (`.+?`): /gm)) {
    for (const [, name] of head!.matchAll(/`([A-Za-z_$][\w$]*)(?:\([^`]*\))?`/g)) names.push(name!);
  }
  return names;
}

test('the package root is a named list, and docs/api.md lists each of its exports once, and nothing else', () => {
  const source = read('src/index.ts');
  assert.doesNotMatch(source, /^export \*/m, 'src/index.ts re-exports a whole module');
  const exported = rootExports(source);
  assert.ok(exported.length > 50, `only ${exported.length} exports found: the scan is broken`);
  const documented = documentedNames(read('docs/api.md'));
  const twice = (names: string[]) => names.filter((name, i) => names.indexOf(name) !== i);
  assert.deepEqual(twice(exported), [], 'exported twice');
  assert.deepEqual(twice(documented), [], 'listed twice in docs/api.md');
  assert.deepEqual(exported.filter((name) => !documented.includes(name)), [], 'exported but not in docs/api.md');
  assert.deepEqual(documented.filter((name) => !exported.includes(name)), [], 'in docs/api.md but not exported');
});
