import cluster, { type Worker } from 'node:cluster';
import type { AddressInfo } from 'node:net';
import { resolveSigningKey } from '../crypto/index.js';
import { redact } from '../migration-from-django/source-url.js';
import { SERVER_MIGRATIONS } from '../server/index.js';
import { answerWorkersMetrics } from '../telemetry/index.js';
import type { Settings } from '../settings/index.js';
import { allowedHostsNotice } from './allowed-hosts-notice.js';
import { withStore } from './context.js';
import { CommandError } from './errors.js';

/** The message a worker sends its primary when it cannot start, so the error is shown once. */
export interface WorkerFailed {
  type: 'tessera:worker-failed';
  message: string;
}

/** Replacements of workers that die this soon after starting are spaced out, not looped. */
const CRASH_LOOP_WINDOW_MS = 5_000;
const CRASH_LOOP_DELAY_MS = 1_000;
/** Beyond the workers' own shutdown timeout, how long the primary waits before killing them. */
const SHUTDOWN_GRACE_MS = 5_000;

/**
 * `tessera serve --workers N` on the primary: migrates and settles the signing key once, forks N
 * workers sharing one port, replaces any that dies, and on SIGTERM/SIGINT has them drain and
 * exits once they have. Resolves when every worker listens; rejects if one cannot start.
 */
export async function runPrimary(settings: Settings, count: number): Promise<void> {
  // Once, here: workers skip migrations (no race on the schema) and all read the same key file.
  resolveSigningKey(settings);
  const userCount = await withStore(settings, (store) => store.users.count(), SERVER_MIGRATIONS);
  useKernelScheduling();
  // `GET /metrics` on any worker answers for all of them, summed here.
  if (settings.metrics) answerWorkersMetrics();

  const live = new Set<Worker>();
  const listening = new Set<number>();
  const forkedAt = new Map<number, number>();
  let started = false;
  let shuttingDown = false;
  let cleanExit = true;
  let failure: string | null = null;

  const fork = () => {
    const worker = cluster.fork();
    live.add(worker);
    forkedAt.set(worker.id, Date.now());
    worker.on('message', (message: Partial<WorkerFailed>) => {
      if (message?.type === 'tessera:worker-failed' && typeof message.message === 'string') failure ??= message.message;
    });
  };

  const shutDown = () => {
    if (shuttingDown) return;
    shuttingDown = true;
    if (live.size === 0) process.exit(0);
    for (const worker of live) worker.process.kill('SIGTERM');
    setTimeout(() => {
      for (const worker of live) worker.process.kill('SIGKILL');
      process.stderr.write('tessera: error: workers did not stop in time; killed them\n');
      process.exit(1);
    }, settings.shutdownTimeout * 1000 + SHUTDOWN_GRACE_MS).unref();
  };
  process.once('SIGTERM', shutDown);
  process.once('SIGINT', shutDown);

  return new Promise<void>((resolve, reject) => {
    cluster.on('listening', (worker: Worker, address: AddressInfo) => {
      if (started) return;
      listening.add(worker.id);
      if (listening.size < count) return;
      started = true;
      process.stdout.write(`tessera is serving ${urlOf(address)}/ with ${count} workers (database ${redact(settings.databaseUrl)})\n`);
      process.stdout.write(allowedHostsNotice(settings) ?? '');
      if (userCount === 0) {
        process.stdout.write(
          'No users yet. Create the first one with:\n  npx tessera createsuperuser --username admin --email admin@example.com\n',
        );
      }
      resolve();
    });

    cluster.on('exit', (worker: Worker, code: number | null, signal: string | null) => {
      live.delete(worker);
      if (shuttingDown) {
        if (code !== 0) cleanExit = false;
        if (live.size === 0) process.exit(cleanExit ? 0 : 1);
        return;
      }
      if (!started) {
        // A worker that cannot start (port taken, database unreachable) stops the whole server.
        shuttingDown = true;
        for (const other of live) other.process.kill('SIGKILL');
        reject(new CommandError(failure ?? `worker ${worker.process.pid} exited with ${signal ?? `code ${code}`} while starting`));
        return;
      }
      const how = signal ?? `code ${code}`;
      const early = Date.now() - (forkedAt.get(worker.id) ?? 0) < CRASH_LOOP_WINDOW_MS;
      forkedAt.delete(worker.id);
      process.stderr.write(`tessera: warning: worker ${worker.process.pid} exited (${how}); starting a replacement${failure ? `: ${failure}` : ''}\n`);
      failure = null;
      if (early) setTimeout(() => shuttingDown || fork(), CRASH_LOOP_DELAY_MS);
      else fork();
    });

    for (let i = 0; i < count; i++) fork();
  });
}

/**
 * Workers accept connections themselves from the one listening socket (SCHED_NONE), instead of
 * node:cluster's default on Linux (SCHED_RR: the primary accepts each connection and hands it to
 * a worker, closing its own copy only when the worker acknowledges). Under SCHED_RR a worker that
 * dies before acknowledging leaves that connection open in the primary, never answered nor
 * closed (Node 20's lib/internal/cluster/round_robin_handle.js). Here a dead worker's connections
 * are the kernel's to close, and those it had not accepted wait in the backlog for another worker.
 * Set before the first fork, after which node:cluster ignores changes, and over any
 * NODE_CLUSTER_SCHED_POLICY; the cost is measured in docs/security.md ("Worker death").
 */
function useKernelScheduling(): void {
  cluster.schedulingPolicy = cluster.SCHED_NONE;
}

/** The URL as users type it: `localhost` for the IPv6 loopback, brackets for other IPv6. */
function urlOf(address: AddressInfo): string {
  const host = address.address === '::1' ? 'localhost' : address.address.includes(':') ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}
