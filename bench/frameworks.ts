import type { ServerEntry } from './build-servers.js';

/** The adapters `--framework` picks from, in the order a run measures them. */
export const FRAMEWORKS = ['fastify', 'express', 'web', 'nest'] as const;
export type FrameworkName = (typeof FRAMEWORKS)[number];

/** One adapter's comparison: its bare framework (the ceiling) and tessera on it, the same GET on both. */
export interface Framework {
  name: FrameworkName;
  /** How the report names the ceiling's row. */
  ceilingLabel: string;
  /** How the report names tessera's row. */
  tesseraLabel: string;
  ceiling: ServerEntry;
  /** The bundle that serves tessera on this adapter; null: `tessera serve` from dist/ (the Fastify adapter). */
  tessera: ServerEntry | null;
}

export const FRAMEWORK_TABLE: Readonly<Record<FrameworkName, Framework>> = {
  fastify: {
    name: 'fastify', ceiling: 'ceiling-fastify', tessera: null,
    ceilingLabel: 'ceiling: bare Fastify GET /api/user/', tesseraLabel: 'fastify: tessera serve GET /api/user/ (Bearer)',
  },
  express: {
    name: 'express', ceiling: 'ceiling-express', tessera: 'tessera-express',
    ceilingLabel: 'ceiling: bare Express 5 GET /api/user/', tesseraLabel: 'express: examples/express GET /api/user/ (Bearer)',
  },
  web: {
    name: 'web', ceiling: 'ceiling-hono', tessera: 'tessera-hono',
    ceilingLabel: 'ceiling: bare Hono (node-server) GET /api/user/', tesseraLabel: 'web: examples/hono GET /api/user/ (Bearer)',
  },
  nest: {
    name: 'nest', ceiling: 'ceiling-nest', tessera: 'tessera-nest',
    ceilingLabel: 'ceiling: bare NestJS (Express) GET /api/user/', tesseraLabel: 'nest: examples/nest GET /api/user/ (Bearer)',
  },
};

/** `--framework`'s value as names: `all`, one name or a comma list; throws a one-line message naming the valid ones. */
export function parseFrameworks(value: string): FrameworkName[] {
  const valid = `${FRAMEWORKS.join(', ')} or all`;
  const names = value.split(',').map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) throw new Error(`--framework: give one of ${valid}`);
  const chosen = new Set<FrameworkName>();
  for (const name of names) {
    if (name === 'all') FRAMEWORKS.forEach((f) => chosen.add(f));
    else if ((FRAMEWORKS as readonly string[]).includes(name)) chosen.add(name as FrameworkName);
    else throw new Error(`--framework: unknown framework ${JSON.stringify(name)} (${valid})`);
  }
  // The run's order, whatever order they were given in.
  return FRAMEWORKS.filter((f) => chosen.has(f));
}
