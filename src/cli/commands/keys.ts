import { parseArgs } from 'node:util';
import {
  generateSigningKey, isAsymmetricAlgorithm, keyState, retirementOverlap, rotateSigningKeys,
} from '../../crypto/index.js';
import { ASYMMETRIC_ALGORITHMS } from '../../settings/index.js';
import { AuditLog, SigningKeyRepository } from '../../store/index.js';
import { cliSettings, withStore } from '../context.js';
import { CommandError } from '../errors.js';

const USAGE = 'usage: tessera keys generate --alg ALG | keys list | keys rotate [--alg ALG]';

/**
 * `tessera keys generate|list|rotate`: the database keyring. Private keys are never printed;
 * generate and rotate leave `key_generated` / `key_rotated` audit events (kid and algorithm only).
 */
export async function keysCommand(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  const { values } = parseArgs({ args: rest, options: { alg: { type: 'string' } }, strict: true });
  const alg = values.alg;
  if (alg !== undefined && !isAsymmetricAlgorithm(alg)) {
    throw new CommandError(`--alg must be one of ${ASYMMETRIC_ALGORITHMS.join(', ')}`, 2);
  }
  const settings = cliSettings();
  await withStore(settings, async (store) => {
    const rows = new SigningKeyRepository(store.database.db);
    const audit = new AuditLog(store.database.db, { onError: (error) => process.stderr.write(`tessera: audit event not written: ${(error as Error).message}\n`) });
    const now = new Date();
    const source = { source: 'cli' };
    if (sub === 'generate') {
      if (!alg) throw new CommandError('keys generate needs --alg (for example --alg ES256)', 2);
      const key = await generateSigningKey(rows, alg, now);
      await audit.record({ type: 'key_generated', at: now, detail: { kid: key.kid, alg: key.alg, active: key.activatedAt !== null, ...source } });
      process.stdout.write(`Generated ${key.alg} key ${key.kid} (${key.activatedAt ? 'active' : 'pending; run tessera keys rotate to sign with it'}).\n`);
    } else if (sub === 'rotate') {
      const { activated, retiring } = await rotateSigningKeys(rows, { now, overlapSeconds: retirementOverlap(settings), ...(alg ? { alg } : {}) });
      await audit.record({
        type: 'key_rotated', at: now, detail: { kid: activated.kid, alg: activated.alg, retiring: retiring.map((key) => key.kid), ...source },
      });
      process.stdout.write(`Active: ${activated.alg} key ${activated.kid}.\n`);
      for (const key of retiring) process.stdout.write(`Retiring: ${key.kid} (verifies until ${key.retiresAt!.toISOString()}).\n`);
    } else if (sub === 'list') {
      const keys = await rows.list();
      if (keys.length === 0) process.stdout.write('No keys; tokens are signed with the HMAC signingKey.\n');
      for (const key of keys) {
        const state = keyState(key, now.getTime());
        const until = key.retiresAt ? `  retires ${key.retiresAt.toISOString()}` : '';
        process.stdout.write(`${key.kid}  ${key.alg}  created ${key.createdAt.toISOString()}  ${state}${until}\n`);
      }
    } else {
      throw new CommandError(USAGE, 2);
    }
  });
}
