import { createPasswordHashers } from '../../crypto/index.js';
import { UserTokenCutoffRepository } from '../../store/index.js';
import { cliSettings, withStore } from '../context.js';
import { CommandError } from '../errors.js';
import { checkNewPassword } from '../password-rules.js';
import { askPasswordTwice } from './create-user.js';

/** `tessera changepassword USERNAME`. */
export async function changePassword(args: string[]): Promise<void> {
  const username = args[0];
  if (!username || args.length > 1) throw new CommandError('usage: tessera changepassword USERNAME', 2);
  const settings = cliSettings();
  let storedName = username;
  await withStore(settings, async (store) => {
    const user = await store.users.findByUsername(username);
    if (!user) throw new CommandError(`user ${JSON.stringify(username)} does not exist`);
    // The account's own name, as Django prints the user (a look-alike spelling finds it too).
    storedName = user.username;
    process.stderr.write(`Changing password for user '${storedName}'\n`);
    const password = await askPasswordTwice();
    checkNewPassword(password, user);
    await store.users.setPassword(user.id, await createPasswordHashers().hash(password));
    // Every session ends: servers read new cut-offs and ended sessions from the database within
    // their poll interval (5 s).
    const at = new Date();
    await new UserTokenCutoffRepository(store.database.db).raise(user.id, at);
    for (const family of await store.families.liveFamilies(user.id)) await store.families.revoke(family, at);
  });
  process.stdout.write(`Password changed successfully for user '${storedName}'\n`);
}
