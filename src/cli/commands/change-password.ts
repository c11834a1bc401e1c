import { parseCommandArgs } from '../args.js';
import { cliSettings, withTessera } from '../context.js';
import { CommandError } from '../errors.js';
import { checkNewPassword } from '../password-rules.js';
import { askPasswordTwice } from './create-user.js';

/** `tessera changepassword USERNAME`: sets the password and ends every session of the user. */
export async function changePassword(args: string[]): Promise<void> {
  const { positionals } = parseCommandArgs('changepassword', args, {}, true);
  const username = positionals[0];
  if (!username || positionals.length > 1) throw new CommandError('usage: tessera changepassword USERNAME', 2);
  const settings = cliSettings();
  let storedName = username;
  await withTessera(settings, async (tessera) => {
    // Django's commands name the account by its USERNAME_FIELD: the email with `loginField: 'email'`.
    const user = await tessera.users.findByLogin(username);
    if (!user) throw new CommandError(`user ${JSON.stringify(username)} does not exist`);
    // The account's own name, as Django prints the user (a look-alike spelling finds it too).
    storedName = user.username;
    process.stderr.write(`Changing password for user '${storedName}'\n`);
    const password = await askPasswordTwice();
    checkNewPassword(password, user);
    await tessera.users.changePassword(user, password);
  });
  process.stdout.write(`Password changed successfully for user '${storedName}'\n`);
}
