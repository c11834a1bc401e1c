import { isAsymmetricAlgorithm } from '../../crypto/index.js';
import { ASYMMETRIC_ALGORITHMS } from '../../settings/index.js';
import { parseCommandArgs } from '../args.js';
import { cliSettings, withTessera } from '../context.js';
import { CommandError } from '../errors.js';

const USAGE = 'usage: tessera keys generate --alg ALG | keys list | keys rotate [--alg ALG] | keys revoke KID | keys encrypt';
const SUBCOMMANDS = ['generate', 'rotate', 'list', 'revoke', 'encrypt'];
const FROM_CLI = { source: 'cli' };

/**
 * `tessera keys generate|list|rotate|revoke|encrypt`: the database keyring, through `tessera.keys`.
 * Private keys are never printed; each change leaves an audit event (`key_generated`,
 * `key_rotated`, `key_revoked`, `keys_encrypted`).
 */
export async function keysCommand(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  if (!sub || !SUBCOMMANDS.includes(sub)) throw new CommandError(USAGE, 2);
  const { values, positionals } = parseCommandArgs(`keys ${sub}`, rest, { alg: { type: 'string' } }, true);
  const alg = values.alg;
  if (alg !== undefined && !isAsymmetricAlgorithm(alg)) {
    throw new CommandError(`--alg must be one of ${ASYMMETRIC_ALGORITHMS.join(', ')}`, 2);
  }
  if (sub === 'generate' && !alg) throw new CommandError('keys generate needs --alg (for example --alg ES256)', 2);
  if (sub === 'revoke' && positionals.length !== 1) throw new CommandError('keys revoke needs one KID (tessera keys list shows them)', 2);
  if (sub !== 'revoke' && positionals.length > 0) throw new CommandError(`unexpected argument ${JSON.stringify(positionals[0])}; ${USAGE}`, 2);
  await withTessera(cliSettings(), async (tessera) => {
    if (sub === 'generate') {
      const key = await tessera.keys.generate(alg!, FROM_CLI);
      process.stdout.write(`Generated ${key.alg} key ${key.kid} (${key.state === 'active' ? 'active' : 'pending; run tessera keys rotate to sign with it'}).\n`);
    } else if (sub === 'rotate') {
      const { activated, retiring } = await tessera.keys.rotate(alg ? { alg } : {}, FROM_CLI);
      process.stdout.write(`Active: ${activated.alg} key ${activated.kid}.\n`);
      for (const key of retiring) process.stdout.write(`Retiring: ${key.kid} (verifies until ${key.retiresAt!.toISOString()}).\n`);
    } else if (sub === 'revoke') {
      const { revoked, activated, changed } = await tessera.keys.revoke(positionals[0]!, FROM_CLI);
      process.stdout.write(changed ? `Revoked: ${revoked.alg} key ${revoked.kid}; tokens it signed are refused.\n` : `Key ${revoked.kid} was already revoked.\n`);
      if (activated) process.stdout.write(`Active: ${activated.alg} key ${activated.kid}.\n`);
    } else if (sub === 'encrypt') {
      const { encrypted, alreadyEncrypted } = await tessera.keys.encrypt(FROM_CLI);
      process.stdout.write(`Encrypted ${encrypted} private key${encrypted === 1 ? '' : 's'}${alreadyEncrypted ? ` (${alreadyEncrypted} already encrypted)` : ''}.\n`);
    } else {
      const keys = await tessera.keys.list();
      if (keys.length === 0) process.stdout.write('No keys; tokens are signed with the HMAC signingKey.\n');
      for (const key of keys) {
        const until = key.revokedAt ? `  revoked ${key.revokedAt.toISOString()}` : key.retiresAt ? `  retires ${key.retiresAt.toISOString()}` : '';
        process.stdout.write(`${key.kid}  ${key.alg}  created ${key.createdAt.toISOString()}  ${key.state}${until}\n`);
      }
    }
  });
}
