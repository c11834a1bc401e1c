/**
 * The container image (Dockerfile) built with podman from the debootstrapped base and run as users
 * run it: read-only root filesystem, a volume at /data, a published port; then on PostgreSQL and
 * Redis named by the environment, as compose.yaml wires it. The base is made once when missing
 * (scripts/container-base.sh) and the image reused while its inputs are unchanged
 * (support/container-image.ts). Skipped, with one line saying why, when podman is missing, the base
 * cannot be made, or podman cannot run a container here.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { buildTesseraImage, podman, podmanMode, type PodmanMode } from '../support/container-image.js';
import { createPostgresDatabase, type TestDatabase } from '../support/database.js';
import { deleteKeys, randomPrefix, redisSkipReason, TEST_REDIS_URL, testRedis } from '../support/redis.js';

const USERNAME = 'admin';
const PASSWORD = `Container-${randomBytes(6).toString('hex')}`;

const found = await podmanMode();
const mode: PodmanMode | undefined = 'reason' in found ? undefined : found;
const skip = 'reason' in found ? `podman: ${found.reason}` : false;
let image = '';
if (mode) {
  if (mode.note) console.log(`container: ${mode.note}`);
  const built = await buildTesseraImage(mode);
  image = built.image;
  console.log(`container: image ${image} ${built.reused ? 'reused' : `built in ${Math.round(built.ms / 1000)} s`}`);
}

/** A tessera container started from the image, its URL once /health/ answers, and how to reach into it. */
class Container {
  readonly name = `tessera-test-${randomBytes(4).toString('hex')}`;
  url = '';

  /** Runs the image with `options` (volumes, network, environment) and waits for /health/. */
  async start(options: string[], { publish = true, port = 8000 } = {}): Promise<void> {
    const run = await podman([
      ...mode!.global, 'run', '--detach', '--name', this.name, ...mode!.limits, '--read-only', '--tmpfs', '/tmp',
      ...(publish ? ['--publish', '127.0.0.1::8000'] : []), ...options, image,
    ]);
    assert.equal(run.code, 0, `podman run failed: ${run.stderr}`);
    if (publish) {
      const published = await podman(['port', this.name, '8000']);
      assert.equal(published.code, 0, published.stderr);
      this.url = `http://${published.stdout.trim().split('\n')[0]}`;
    } else {
      this.url = `http://127.0.0.1:${port}`;
    }
    await this.waitForHealth();
  }

  /** `podman exec` in the container, with `env` set for the command only. */
  exec(args: string[], env: Record<string, string> = {}) {
    const envArgs = Object.entries(env).flatMap(([key, value]) => ['--env', `${key}=${value}`]);
    return podman([...mode!.global, 'exec', ...envArgs, this.name, ...args]);
  }

  async remove(): Promise<void> {
    // --volumes: the anonymous volume VOLUME /data gives a container run without one of its own.
    await podman(['rm', '--force', '--volumes', '--time', '2', this.name]);
  }

  /** Polls /health/ until the server answers; fails with the container's log if it stops or never does. */
  private async waitForHealth(): Promise<void> {
    const deadline = Date.now() + 90_000;
    for (;;) {
      const answer = await fetch(`${this.url}/health/`).catch(() => null);
      if (answer?.status === 200) return;
      const state = await podman(['inspect', '--format', '{{.State.Running}}', this.name]);
      if (state.stdout.trim() !== 'true' || Date.now() > deadline) {
        const logs = await podman(['logs', this.name]);
        assert.fail(`tessera in the container never answered /health/ (running: ${state.stdout.trim()}):\n${logs.stdout}${logs.stderr}`);
      }
      // Waiting for a process to start listening: there is no clock to inject into that.
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/** `tessera createsuperuser` in the container, then a login over HTTP and the user it answers for. */
async function createAndLogIn(container: Container): Promise<void> {
  const created = await container.exec(['tessera', 'createsuperuser', '--username', USERNAME, '--email', 'admin@example.com', '--no-input'], {
    TESSERA_SUPERUSER_PASSWORD: PASSWORD,
  });
  assert.equal(created.code, 0, created.stderr);
  assert.equal(created.stdout, 'Superuser created successfully.\n');
  const login = (password: string) => fetch(`${container.url}/api/token/`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: USERNAME, password }),
  });
  const wrong = await login(`${PASSWORD}x`);
  assert.equal(wrong.status, 401);
  assert.equal(((await wrong.json()) as { detail: string }).detail, 'No active account found with the given credentials');
  const right = await login(PASSWORD);
  assert.equal(right.status, 200);
  const { access } = (await right.json()) as { access: string };
  const me = await fetch(`${container.url}/api/user/`, { headers: { authorization: `Bearer ${access}` } });
  assert.equal(me.status, 200);
  assert.deepEqual(await me.json(), { id: 1, username: USERNAME });
}

describe('the container image', { skip }, () => {
  describe('read-only, with a /data volume', () => {
    const container = new Container();

    before(async () => {
      const volume = await podman(['volume', 'create', container.name]);
      assert.equal(volume.code, 0, volume.stderr);
      await container.start(['--volume', `${container.name}:/data`]);
    });

    after(async () => {
      await container.remove();
      await podman(['volume', 'rm', '--force', container.name]);
    });

    it('runs tessera serve as a non-root user', async () => {
      const status = await container.exec(['cat', '/proc/1/status']);
      assert.equal(status.code, 0, status.stderr);
      assert.match(status.stdout, /^Uid:\s+10001\s+10001\s+10001\s+10001$/m);
      const command = await container.exec(['cat', '/proc/1/cmdline']);
      assert.deepEqual(command.stdout.split('\0').filter(Boolean), ['node', '/app/dist/bin/tessera.js', 'serve']);
    });

    it('has a read-only root filesystem, and keeps its data in the /data volume', async () => {
      const write = await container.exec(['touch', '/app/written']);
      assert.notEqual(write.code, 0);
      assert.match(write.stderr, /Read-only file system/);
      const data = await container.exec(['ls', '/data']);
      assert.equal(data.code, 0, data.stderr);
      assert.deepEqual(data.stdout.split('\n').filter((file) => file === 'signing.key' || file === 'tessera.sqlite3').sort(), ['signing.key', 'tessera.sqlite3']);
      const mounts = await podman(['inspect', '--format', '{{range .Mounts}}{{.Name}}:{{.Destination}} {{end}}', container.name]);
      assert.match(mounts.stdout, new RegExp(`${container.name}:/data`));
    });

    it("passes the image's own health check", async () => {
      const health = await podman([...mode!.global, 'healthcheck', 'run', container.name]);
      assert.equal(health.code, 0, `health check failed: ${health.stdout}${health.stderr}`);
    });

    it('logs in over HTTP as a user made by `tessera createsuperuser` in the container', async () => {
      await createAndLogIn(container);
    });
  });

  describe('on PostgreSQL and Redis, wired as compose.yaml wires them', () => {
    const container = new Container();
    const prefix = randomPrefix();
    let database: TestDatabase | undefined;
    let servicesMissing: string | null = null;

    before(async () => {
      servicesMissing = await redisSkipReason();
      if (servicesMissing) return;
      database = await createPostgresDatabase();
      const port = await freePort();
      // The host's network: PostgreSQL and Redis listen on its loopback, as compose's services on its network.
      await container.start([
        '--network', 'host',
        '--env', `TESSERA_PORT=${port}`, '--env', 'TESSERA_HOST=127.0.0.1',
        '--env', `TESSERA_DATABASE_URL=${database.url}`,
        '--env', `TESSERA_REDIS_URL=${TEST_REDIS_URL}`, '--env', `TESSERA_REDIS_KEY_PREFIX=${prefix}`,
        '--env', `TESSERA_SIGNING_KEY=${randomBytes(32).toString('hex')}`,
      ], { publish: false, port });
    });

    after(async () => {
      await container.remove();
      await database?.drop();
      const redis = testRedis();
      await deleteKeys(redis, prefix);
      redis.disconnect();
    });

    it('is ready with both, keeps nothing in /data, and logs in', async (t) => {
      if (servicesMissing) return t.skip(servicesMissing);
      const ready = await fetch(`${container.url}/ready/`);
      assert.equal(ready.status, 200);
      assert.deepEqual(await ready.json(), { status: 'ready', database: 'ok', redis: 'ok' });
      // The signing key comes from the environment: nothing is generated into the (anonymous) volume.
      const data = await container.exec(['ls', '-A', '/data']);
      assert.equal(data.stdout, '');
      await createAndLogIn(container);
    });
  });
});

/** A port nothing listens on now (the container listens on the host's network). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}
