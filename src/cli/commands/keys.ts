import { parseArgs } from 'node:util';
import {
  generateSigningKey, isAsymmetricAlgorithm, keyState, retirementOverlap, rotateSigningKeys,
} from '../../crypto/index.js';
import { ASYMMETRIC_ALGORITHMS } from '../../settings/index.js';
import { SigningKeyRepository } from '../../store/index.js';
import { cliSettings, withStore } from '../context.js';
import { CommandError } from '../errors.js';

const USAGE = 'usage: tessera keys generate --alg ALG | keys list | keys rotate [--alg ALG]';

/** `tessera keys generate|list|rotate`: the database keyring. Private keys are never printed. */
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
    const now = new Date();
    if (sub === 'generate') {
      if (!alg) throw new CommandError('keys generate needs --alg (for example --alg ES256)', 2);
      const key = await generateSigningKey(rows, alg, now);
      process.stdout.write(`Generated ${key.alg} key ${key.kid} (${key.activatedAt ? 'active' : 'pending; run tessera keys rotate to sign with it'}).\n`);
    } else if (sub === 'rotate') {
      const { activated, retiring } = await rotateSigningKeys(rows, { now, overlapSeconds: retirementOverlap(settings), ...(alg ? { alg } : {}) });
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
