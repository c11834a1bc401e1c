import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { treeMemory, type TreeMemory } from './memory.js';

/** The Django REST framework + Simple JWT peer under gunicorn (its script runs 2 workers). */
export interface Peer {
  url: string;
  pid: number;
  memory(): TreeMemory;
  stop(): Promise<void>;
}

/** Why the peer cannot run here, or null when Django, Simple JWT and gunicorn are installed. */
export function peerSkipReason(script: string): string | null {
  if (!existsSync(script)) return `${script} not found`;
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import django, rest_framework, rest_framework_simplejwt'], { stdio: 'ignore' });
    execFileSync('sh', ['-c', 'command -v gunicorn'], { stdio: 'ignore' });
    return null;
  } catch {
    return 'Django REST framework + Simple JWT or gunicorn is not installed '
      + '(apt-get install python3-djangorestframework-simplejwt gunicorn)';
  }
}

/**
 * Runs `start-peer.sh PORT DBFILE` (fresh database, user shoumitro) with `secret` as Django's
 * SECRET_KEY (Simple JWT's signing key, so the bench can mint its refresh tokens), and answers
 * once it serves.
 */
export async function startPeer(script: string, port: number, dir: string, secret: string): Promise<Peer> {
  const { stdout } = await promisify(execFile)(script, [String(port), join(dir, 'peer.sqlite3')], {
    timeout: 120_000, env: { ...process.env, PEER_SECRET: secret },
  });
  const pid = Number(stdout.trim().split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`start-peer.sh printed no pid: ${stdout}`);
  return {
    url: `http://127.0.0.1:${port}`,
    pid,
    memory: () => treeMemory(pid),
    stop: async () => {
      try {
        process.kill(pid, 'SIGTERM'); // the gunicorn master stops its workers
      } catch {
        return;
      }
      for (let i = 0; i < 100; i++) {
        try {
          process.kill(pid, 0);
        } catch {
          return;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
}
