import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The base scripts/container-base.sh makes (debootstrap, no registry). */
export const BASE_IMAGE = process.env.TESSERA_BASE_IMAGE ?? 'tessera-base:bookworm';
/** Test images are tagged with the digest of what they are built from; older ones are removed. */
const TEST_REPOSITORY = 'localhost/tessera-test';

/** What `podman cmd...` printed and how it ended; never throws for a non-zero exit. */
export function podman(args: string[], options: { timeoutMs?: number } = {}): Promise<{ code: number; stdout: string; stderr: string; missing?: boolean }> {
  return new Promise((resolve) => {
    execFile('podman', args, { cwd: ROOT, timeout: options.timeoutMs ?? 60_000, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr: stderr || (error && !stdout ? error.message : ''), missing: (error as NodeJS.ErrnoException | null)?.code === 'ENOENT' });
    });
  });
}

/** The last non-empty line of a command's error output: the reason it gives. */
const lastLine = (text: string) => text.trim().split('\n').filter(Boolean).pop() ?? '(no output)';

/** How podman is run here: global options (the OCI runtime) and options for `run` and `build` (limits). */
export interface PodmanMode {
  global: string[];
  limits: string[];
  /** Why the defaults were not used, when they were not. */
  note?: string;
}

/**
 * A sandbox may refuse what podman does by default: here crun stops at "cgroups in hybrid mode not
 * supported" and both runtimes at raising RLIMIT_NPROC/NOFILE to podman's defaults. Then runc
 * (Debian's package) with limits under the host's own is tried before giving up.
 */
const SANDBOX_MODE: PodmanMode = {
  global: ['--runtime', 'runc'],
  limits: ['--ulimit', 'nofile=8192:8192', '--ulimit', 'nproc=4096:4096'],
};

/**
 * How podman can run a container here from the base image with a published port, or one line
 * saying why it cannot (podman missing, no base image and how to make it, or podman's own error).
 */
export async function podmanMode(): Promise<PodmanMode | { reason: string }> {
  const version = await podman(['--version']);
  if (version.missing) return { reason: 'podman is missing (Debian: apt-get install -y podman)' };
  if (version.code !== 0) return { reason: `podman cannot run: ${lastLine(version.stderr)}` };
  if ((await podman(['image', 'exists', BASE_IMAGE])).code !== 0) {
    const made = await makeBaseImage();
    if (made) return { reason: made };
  }
  const probe = (mode: PodmanMode) => podman([...mode.global, 'run', '--rm', ...mode.limits, '--read-only', '-p', '127.0.0.1::8000', BASE_IMAGE, 'true']);
  const plain = await probe({ global: [], limits: [] });
  if (plain.code === 0) return { global: [], limits: [] };
  if ((await probe(SANDBOX_MODE)).code === 0) return { ...SANDBOX_MODE, note: `podman's defaults fail here (${lastLine(plain.stderr)}); using runc and lower limits` };
  return { reason: `podman cannot run a container here: ${lastLine(plain.stderr)}` };
}

/**
 * Makes the base once (scripts/container-base.sh: debootstrap, then `podman import`; 1.5 minutes
 * here), kept by podman for every later run. Null when made; otherwise why not.
 */
async function makeBaseImage(): Promise<string | null> {
  const howTo = `make it with scripts/container-base.sh as root`;
  if (process.getuid?.() !== 0) return `the base image ${BASE_IMAGE} is not there and debootstrap needs root: ${howTo}`;
  const made = await new Promise<{ code: number; output: string }>((resolve) => {
    execFile('sh', [join(ROOT, 'scripts', 'container-base.sh')], { cwd: ROOT, timeout: 15 * 60_000, maxBuffer: 64 << 20 }, (error, stdout, stderr) =>
      resolve({ code: error ? 1 : 0, output: `${stdout}${stderr}` }),
    );
  });
  return made.code === 0 ? null : `the base image ${BASE_IMAGE} is not there and scripts/container-base.sh failed: ${lastLine(made.output)}`;
}

/** The build's inputs: the Dockerfile, the manifest and lockfile, dist/, the Node binary, the base image. */
async function sourcesDigest(): Promise<string> {
  const hash = createHash('sha256');
  const add = (path: string) => {
    for (const name of readdirSync(path).sort()) {
      const full = join(path, name);
      if (statSync(full).isDirectory()) add(full);
      else if (!name.endsWith('.map')) hash.update(relative(ROOT, full)).update('\0').update(readFileSync(full)).update('\0');
    }
  };
  for (const file of ['Dockerfile', '.dockerignore', 'package.json', 'package-lock.json', 'scripts/container-context.mjs']) {
    hash.update(file).update('\0').update(readFileSync(join(ROOT, file)));
  }
  add(join(ROOT, 'dist'));
  const node = statSync(process.execPath);
  hash.update(`${process.execPath}\0${process.version}\0${node.size}\0${node.mtimeMs}`);
  const base = await podman(['image', 'inspect', '--format', '{{.Id}}', BASE_IMAGE]);
  hash.update(base.stdout.trim());
  return hash.digest('hex').slice(0, 16);
}

/**
 * The tessera image built from this checkout (scripts/container-context.mjs, then `podman build`),
 * reused while its inputs are unchanged: a build takes about a minute here, a reuse a second.
 */
export async function buildTesseraImage(mode: PodmanMode): Promise<{ image: string; reused: boolean; ms: number }> {
  const started = performance.now();
  const image = `${TEST_REPOSITORY}:${await sourcesDigest()}`;
  if ((await podman(['image', 'exists', image])).code === 0) return { image, reused: true, ms: performance.now() - started };
  // A context of its own (a temporary folder), so that a run never rewrites a user's .container/.
  const context = mkdtempSync(join(tmpdir(), 'tessera-image-'));
  try {
    await new Promise<void>((resolve, reject) => {
      execFile(process.execPath, [join(ROOT, 'scripts', 'container-context.mjs'), '--into', context], { cwd: ROOT }, (error, _stdout, stderr) =>
        error ? reject(new Error(`container-context.mjs failed: ${stderr}`)) : resolve(),
      );
    });
    // --format docker: the OCI format has no HEALTHCHECK, and podman drops it with a warning.
    const built = await podman(
      [...mode.global, 'build', ...mode.limits, '--format', 'docker', '--build-arg', `BASE=${BASE_IMAGE}`, '--tag', image, '--file', join(ROOT, 'Dockerfile'), context],
      { timeoutMs: 10 * 60_000 },
    );
    if (built.code !== 0) throw new Error(`podman build failed (${built.code}):\n${built.stdout.slice(-3000)}\n${built.stderr.slice(-3000)}`);
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
  // Older test images go; one a running container still uses (another checkout's run) stays.
  const older = await podman(['images', '--format', '{{.Repository}}:{{.Tag}}', '--filter', `reference=${TEST_REPOSITORY}`]);
  for (const name of older.stdout.split('\n').filter((line) => line && line !== image)) await podman(['rmi', name]);
  return { image, reused: false, ms: performance.now() - started };
}
