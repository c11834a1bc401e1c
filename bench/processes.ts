import { spawn, type ChildProcess } from 'node:child_process';
import { get } from 'node:http';
import { treeMemory, type TreeMemory } from './memory.js';

/** A server started as its own process, so the load generator does not share its event loop. */
export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Resident memory of the process and its workers, in MB (Linux /proc). */
  memory(): TreeMemory;
  stop(): Promise<void>;
}

/** Characters of a server's output kept for the message when it fails to start. */
const OUTPUT_KEPT = 4096;

/** True once `url` answers at all (any status); a plain node:http GET, cheap enough to poll often. */
function answers(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const request = get(url, { agent: false }, (response) => {
      response.resume();
      response.on('end', () => resolve(true));
    });
    request.on('error', () => resolve(false));
    // A server that takes the connection but does not answer yet is polled again, not waited on.
    request.setTimeout(1000, () => request.destroy());
  });
}

/**
 * Spawns `command args` and waits until `readyPath` answers, or fails after 20 s. It polls every
 * 5 ms so that the time to the first answer (the cold start) is read to within a few ms.
 */
export async function startProcess(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; url: string; readyPath: string },
): Promise<ServerProcess> {
  const child = spawn(command, args, { env: { ...process.env, ...options.env }, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  // The last few KB only, for the error below: at log level info a server writes a line per
  // request, which the bench must read (a full pipe would stall the server) but need not keep.
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-OUTPUT_KEPT);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${command} exited: ${output}`);
    if (await answers(`${options.url}${options.readyPath}`)) break;
    if (Date.now() > deadline) {
      // A server that never answered must not outlive the run.
      child.kill('SIGKILL');
      throw new Error(`${command} did not answer: ${output}`);
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  return {
    url: options.url,
    child,
    memory: () => treeMemory(child.pid!),
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** A TCP port free right now on 127.0.0.1, so runs never collide with something already listening. */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as import('node:net').AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
