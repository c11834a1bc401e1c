/**
 * The container image (Dockerfile) built with podman from the debootstrapped base and run as users
 * run it: read-only root filesystem, a volume at /data, a published port. The base is made once when
 * missing (scripts/container-base.sh) and the image reused while its inputs are unchanged
 * (support/container-image.ts). Skipped, with one line saying why, when podman is missing, the base
 * cannot be made, or podman cannot run a container here.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { buildTesseraImage, podman, podmanMode, type PodmanMode } from '../support/container-image.js';

const USERNAME = 'admin';
const PASSWORD = `Container-${randomBytes(6).toString('hex')}`;

const found = await podmanMode();
const mode: PodmanMode | undefined = 'reason' in found ? undefined : found;

describe('the container image', { skip: 'reason' in found ? `podman: ${found.reason}` : false }, () => {
  const name = `tessera-test-${randomBytes(4).toString('hex')}`;
  let url = '';

  /** `podman exec` in the running container; fails the test with podman's output on a non-zero exit. */
  const exec = async (args: string[], env: Record<string, string> = {}) => {
    const envArgs = Object.entries(env).flatMap(([key, value]) => ['--env', `${key}=${value}`]);
    return podman([...mode!.global, 'exec', ...envArgs, name, ...args]);
  };

  before(async () => {
    if (!mode) return;
    if (mode.note) console.log(`container: ${mode.note}`);
    const { image, reused, ms } = await buildTesseraImage(mode);
    console.log(`container: image ${image} ${reused ? 'reused' : `built in ${Math.round(ms / 1000)} s`}`);
    const volume = await podman(['volume', 'create', name]);
    assert.equal(volume.code, 0, volume.stderr);
    const run = await podman([
      ...mode.global, 'run', '--detach', '--name', name, ...mode.limits,
      '--read-only', '--tmpfs', '/tmp', '--volume', `${name}:/data`, '--publish', '127.0.0.1::8000', image,
    ]);
    assert.equal(run.code, 0, `podman run failed: ${run.stderr}`);
    const port = await podman(['port', name, '8000']);
    assert.equal(port.code, 0, port.stderr);
    url = `http://${port.stdout.trim().split('\n')[0]}`;
    await waitForHealth();
  });

  after(async () => {
    if (!mode) return;
    await podman(['rm', '--force', '--time', '2', name]);
    await podman(['volume', 'rm', '--force', name]);
  });

  /** Polls /health/ until the server answers, failing with the container's log if it stops or never does. */
  async function waitForHealth(): Promise<void> {
    const deadline = Date.now() + 90_000;
    for (;;) {
      const answer = await fetch(`${url}/health/`).catch(() => null);
      if (answer?.status === 200) return;
      const state = await podman(['inspect', '--format', '{{.State.Running}}', name]);
      if (state.stdout.trim() !== 'true' || Date.now() > deadline) {
        const logs = await podman(['logs', name]);
        assert.fail(`tessera in the container never answered /health/ (running: ${state.stdout.trim()}):\n${logs.stdout}${logs.stderr}`);
      }
      // Waiting for a process to start listening: there is nothing to inject a clock into.
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  it('runs tessera serve as a non-root user', async () => {
    const status = await exec(['cat', '/proc/1/status']);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /^Uid:\s+10001\s+10001\s+10001\s+10001$/m);
    const command = await exec(['cat', '/proc/1/cmdline']);
    assert.deepEqual(command.stdout.split('\0').filter(Boolean), ['node', '/app/dist/bin/tessera.js', 'serve']);
  });

  it('has a read-only root filesystem, and keeps its data in the /data volume', async () => {
    const write = await exec(['touch', '/app/written']);
    assert.notEqual(write.code, 0);
    assert.match(write.stderr, /Read-only file system/);
    const data = await exec(['ls', '/data']);
    assert.equal(data.code, 0, data.stderr);
    assert.deepEqual(data.stdout.split('\n').filter((file) => file === 'signing.key' || file === 'tessera.sqlite3').sort(), ['signing.key', 'tessera.sqlite3']);
    const mounts = await podman(['inspect', '--format', '{{range .Mounts}}{{.Name}}:{{.Destination}} {{end}}', name]);
    assert.match(mounts.stdout, new RegExp(`${name}:/data`));
  });

  it("passes the image's own health check", async () => {
    const health = await podman([...mode!.global, 'healthcheck', 'run', name]);
    assert.equal(health.code, 0, `health check failed: ${health.stdout}${health.stderr}`);
  });

  it('logs in over HTTP as a user made by `tessera createsuperuser` in the container', async () => {
    const created = await exec(['tessera', 'createsuperuser', '--username', USERNAME, '--email', 'admin@example.com', '--no-input'], {
      TESSERA_SUPERUSER_PASSWORD: PASSWORD,
    });
    assert.equal(created.code, 0, created.stderr);
    assert.equal(created.stdout, 'Superuser created successfully.\n');

    const wrong = await fetch(`${url}/api/token/`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: USERNAME, password: `${PASSWORD}x` }),
    });
    assert.equal(wrong.status, 401);
    assert.equal(((await wrong.json()) as { detail: string }).detail, 'No active account found with the given credentials');

    const login = await fetch(`${url}/api/token/`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: USERNAME, password: PASSWORD }),
    });
    assert.equal(login.status, 200);
    const { access } = (await login.json()) as { access: string };
    const me = await fetch(`${url}/api/user/`, { headers: { authorization: `Bearer ${access}` } });
    assert.equal(me.status, 200);
    assert.deepEqual(await me.json(), { id: 1, username: USERNAME });
  });
});
