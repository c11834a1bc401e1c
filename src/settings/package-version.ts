import { readFileSync } from 'node:fs';

/**
 * tessera's version, from the package.json two folders up: this file sits two folders below the
 * package root in src/, dist/ and the CLI bundle's dist/bin/ alike.
 */
export function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}
