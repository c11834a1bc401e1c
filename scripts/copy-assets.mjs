// tsc compiles TypeScript only; copy the non-TypeScript files the code loads at run time.
import { cpSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const ASSETS = ['accounts/data'];

for (const folder of ASSETS) {
  cpSync(`${root}src/${folder}`, `${root}dist/${folder}`, { recursive: true });
}
