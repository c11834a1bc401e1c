import cluster from 'node:cluster';
import type { FastifyInstance } from 'fastify';
import { buildServer, closeGracefully } from '../../server/index.js';
// The database URL may carry a password (compose.yaml's does): printed without it.
import { redact } from '../../migration-from-django/source-url.js';
import type { Settings } from '../../settings/index.js';
import { allowedHostsNotice } from '../allowed-hosts-notice.js';
import { runPrimary, type WorkerFailed } from '../cluster.js';
import { parseCommandArgs } from '../args.js';
import { cliSettings } from '../context.js';
import { CommandError } from '../errors.js';
import { releaseStartupMemory, startupModulesLoaded } from '../startup-memory.js';

/**
 * `tessera serve [--workers N]`: migrates, listens, and says how to create the first user. With
 * several workers this process is the primary of a node:cluster (see `runPrimary`).
 */
export async function serve(args: string[] = []): Promise<void> {
  // Imported statically above, so every module of the server is loaded by now (startup-memory.ts).
  startupModulesLoaded();
  const settings = cliSettings();
  if (cluster.isWorker) return serveWorker(settings);
  const workers = parseWorkers(args) ?? settings.workers;
  if (workers > 1) return runPrimary(settings, workers);
  const { app, store } = await buildServer({ settings });
  drainOnSignals(app, settings);
  const address = await app.listen({ host: settings.host, port: settings.port });
  releaseStartupMemory();
  const url = address.replace('://[::1]', '://localhost');
  process.stdout.write(`tessera is serving ${url}/ (database ${redact(settings.databaseUrl)})\n`);
  process.stdout.write(allowedHostsNotice(settings) ?? '');
  if ((await store.users.count()) === 0) {
    process.stdout.write(
      'No users yet. Create the first one with:\n  npx tessera createsuperuser --username admin --email admin@example.com\n',
    );
  }
}

/** `--workers N` as given, or null when absent; a bad value is a one-line usage error. */
function parseWorkers(args: string[]): number | null {
  const { values } = parseCommandArgs('serve', args, { workers: { type: 'string' } });
  if (values.workers === undefined) return null;
  if (!/^[1-9]\d*$/.test(values.workers)) {
    throw new CommandError(`--workers: ${JSON.stringify(values.workers)} is not a positive whole number`, 2);
  }
  return Number(values.workers);
}

/** SIGTERM or SIGINT: stop accepting, finish what is in flight, close the pools, exit. */
function drainOnSignals(app: FastifyInstance, settings: Settings): void {
  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= closeGracefully(app, settings.shutdownTimeout).then(
      (outcome) => process.exit(outcome === 'drained' ? 0 : 1),
      (error: unknown) => {
        app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/** A cluster worker: the primary has migrated and made the key; listen and drain on SIGTERM. */
async function serveWorker(settings: Settings): Promise<void> {
  try {
    const { app } = await buildServer({ settings, migrate: false });
    drainOnSignals(app, settings);
    await app.listen({ host: settings.host, port: settings.port });
    releaseStartupMemory();
  } catch (error) {
    // The primary shows one line for all workers instead of one per worker.
    const message = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? 'unknown error';
    const failed: WorkerFailed = { type: 'tessera:worker-failed', message };
    process.send!(failed, () => process.exit(1));
  }
}
