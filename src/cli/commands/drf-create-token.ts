import { parseCommandArgs } from '../args.js';
import { cliSettings, withTessera } from '../context.js';
import { CommandError } from '../errors.js';

/** `tessera drf_create_token USERNAME [-r]`: DRF's management command; `-r` replaces the token. */
export async function drfCreateToken(args: string[]): Promise<void> {
  const { values, positionals } = parseCommandArgs('drf_create_token', args, { reset: { type: 'boolean', short: 'r', default: false } }, true);
  const username = positionals[0];
  if (!username || positionals.length > 1) throw new CommandError('usage: tessera drf_create_token USERNAME [-r]', 2);
  const key = await withTessera(cliSettings(), async (tessera) => {
    // Django's commands name the account by its USERNAME_FIELD: the email with `loginField: 'email'`.
    const user = await tessera.users.findByLogin(username);
    if (!user) throw new CommandError(`Cannot create the Token: user ${username} does not exist`);
    return values.reset ? tessera.authTokens.regenerate(user.id) : tessera.authTokens.obtain(user.id);
  });
  process.stdout.write(`Generated token ${key} for user ${username}\n`);
}
