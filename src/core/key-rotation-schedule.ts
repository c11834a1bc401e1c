import type { Settings } from '../settings/index.js';
import type { KeyUseCases } from './key-use-cases.js';
import type { TesseraLogger } from './tessera.js';

export interface KeyRotationSchedule {
  stop(): void;
}

const FROM_SCHEDULE = { source: 'schedule' };

/**
 * `keyRotationInterval` on a timer: one check now, then one every minute (a quarter of the interval
 * when that is shorter, at least a second). Every node may run it: `rotateIfDue` decides in one
 * exclusive transaction, so the keyring changes once. A failed check is logged and tried at the next.
 */
export async function scheduleKeyRotation(deps: { keys: KeyUseCases; settings: Settings; logger: TesseraLogger }): Promise<KeyRotationSchedule> {
  const check = () => deps.keys.rotateIfDue(FROM_SCHEDULE).then((change) => {
    if (change) deps.logger.info(change === 'rotated' ? 'signing key rotated on schedule' : 'next signing key made ahead of its scheduled rotation');
  }, (error: unknown) => {
    deps.logger.error('scheduled key rotation failed', { reason: (error as Error).message });
  });
  await check();
  const everyMs = Math.max(1000, Math.min(60_000, (deps.settings.keyRotationInterval * 1000) / 4));
  let running: Promise<void> | null = null;
  const timer = setInterval(() => {
    // A check still running (a slow database) is not doubled up.
    running ??= check().finally(() => { running = null; });
  }, everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
