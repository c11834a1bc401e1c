import { SettingsError, type Settings } from '../settings/index.js';
import type { UserRepository } from '../store/index.js';

/**
 * With `loginField: 'email'`, every email names one account. A database whose accounts share one
 * (Django's default user model allows it, and `import-django` copies what it finds) cannot start
 * so: one clear line naming how many and the first few, rather than logins that fail for those
 * accounts. Blank emails are not shared ones (accounts without an email cannot log in by it).
 */
export async function requireUniqueLoginEmails(settings: Pick<Settings, 'loginField'>, users: UserRepository): Promise<void> {
  if (settings.loginField !== 'email') return;
  const { count, first } = await users.sharedEmails(3);
  if (count === 0) return;
  const named = `${first.join(', ')}${count > first.length ? ', ...' : ''}`;
  throw new SettingsError(
    'loginField',
    `is 'email' but ${count === 1 ? '1 email is' : `${count} emails are`} shared by more than one account, in any case (${named}): `
      + 'give each of those accounts its own email (or none), or keep loginField: \'username\'',
  );
}
