import { isAsymmetricAlgorithm } from '../../crypto/index.js';
import { ASYMMETRIC_ALGORITHMS } from '../../settings/index.js';
import { parseCommandArgs } from '../args.js';
import { cliSettings, withTessera } from '../context.js';
import { CommandError } from '../errors.js';

const USAGE = 'usage: tessera keys generate --alg ALG | keys list | keys rotate [--alg ALG]';
const FROM_CLI = { source: 'cli' };

/**
 * `tessera keys generate|list|rotate`: the database keyring, through `tessera.keys`. Private keys
 * are never printed; generate and rotate leave `key_generated` / `key_rotated` audit events.
 */
export async function keysCommand(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  if (sub !== 'generate' && sub !== 'rotate' && sub !== 'list') throw new CommandError(USAGE, 2);
  const { values } = parseCommandArgs(`keys ${sub}`, rest, { alg: { type: 'string' } });
  const alg = values.alg;
  if (alg !== undefined && !isAsymmetricAlgorithm(alg)) {
    throw new CommandError(`--alg must be one of ${ASYMMETRIC_ALGORITHMS.join(', ')}`, 2);
  }
  if (sub === 'generate' && !alg) throw new CommandError('keys generate needs --alg (for example --alg ES256)', 2);
  await withTessera(cliSettings(), async (tessera) => {
    if (sub === 'generate') {
      const key = await tessera.keys.generate(alg!, FROM_CLI);
      process.stdout.write(`Generated ${key.alg} key ${key.kid} (${key.state === 'active' ? 'active' : 'pending; run tessera keys rotate to sign with it'}).\n`);
    } else if (sub === 'rotate') {
      const { activated, retiring } = await tessera.keys.rotate(alg ? { alg } : {}, FROM_CLI);
      process.stdout.write(`Active: ${activated.alg} key ${activated.kid}.\n`);
      for (const key of retiring) process.stdout.write(`Retiring: ${key.kid} (verifies until ${key.retiresAt!.toISOString()}).\n`);
    } else {
      const keys = await tessera.keys.list();
      if (keys.length === 0) process.stdout.write('No keys; tokens are signed with the HMAC signingKey.\n');
      for (const key of keys) {
        const until = key.retiresAt ? `  retires ${key.retiresAt.toISOString()}` : '';
        process.stdout.write(`${key.kid}  ${key.alg}  created ${key.createdAt.toISOString()}  ${key.state}${until}\n`);
      }
    }
  });
}
