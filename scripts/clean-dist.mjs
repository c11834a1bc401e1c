// Empties dist/ before `npm run build` (its first step): tsc never deletes what an earlier build
// wrote, so a file no longer built (a module moved away, the source maps builds once wrote) would
// otherwise stay in dist/ and be packed.
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

rmSync(fileURLToPath(new URL('../dist', import.meta.url)), { recursive: true, force: true });
