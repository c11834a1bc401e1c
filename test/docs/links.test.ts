import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** The pages a reader moves between: the README, every page under docs/, and the examples' READMEs. */
function pages(): string[] {
  const docs = readdirSync(join(root, 'docs')).filter((name) => name.endsWith('.md')).map((name) => join(root, 'docs', name));
  const examples = readdirSync(join(root, 'examples'))
    .map((name) => join(root, 'examples', name, 'README.md'))
    .filter((path) => existsSync(path));
  return [join(root, 'README.md'), ...docs, ...examples];
}

/** The text outside fenced code blocks and inline code, where a `[x](y)` is a link. */
function prose(markdown: string): string {
  return markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
}

/** GitHub's anchors for a page's headings: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const found = new Set<string>();
  for (const [, heading] of markdown.replace(/^```[\s\S]*?^```/gm, '').matchAll(/^#{1,6} +(.+?) *#* *$/gm)) {
    const slug = heading!.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/ /g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    found.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return found;
}

test('every relative link in the README, docs/ and the examples names a file that exists, and a heading that exists', () => {
  const broken: string[] = [];
  let checked = 0;
  for (const page of pages()) {
    const markdown = readFileSync(page, 'utf8');
    for (const [, target] of prose(markdown).matchAll(/\]\(([^)\s]+)(?: "[^"]*")?\)/g)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target!)) continue; // https:, mailto:
      checked++;
      const [path, anchor] = target!.split('#') as [string, string | undefined];
      const file = path === '' ? page : resolve(dirname(page), decodeURIComponent(path));
      const where = `${relative(root, page)}: (${target})`;
      if (!existsSync(file)) {
        broken.push(`${where}: no file ${relative(root, file)}`);
        continue;
      }
      if (anchor === undefined || statSync(file).isDirectory()) continue;
      if (!file.endsWith('.md')) broken.push(`${where}: an anchor into a file that is not markdown`);
      else if (!anchors(readFileSync(file, 'utf8')).has(anchor)) broken.push(`${where}: no heading #${anchor} in ${relative(root, file)}`);
    }
  }
  assert.ok(checked > 0, 'no links found: the scan is broken');
  assert.deepEqual(broken, []);
});
