import { usernameFromEmail } from '../../accounts/index.js';
import { EmailTakenError, normalizeUsername, USERNAME_PATTERN, UsernameTakenError } from '../../store/index.js';
import { parseCommandArgs } from '../args.js';
import { cliSettings, withTessera } from '../context.js';
import { CommandError } from '../errors.js';
import { checkNewPassword } from '../password-rules.js';
import { askHidden } from '../prompt.js';

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * `tessera createsuperuser` and `tessera createuser`. With `--no-input` the password comes from
 * `TESSERA_SUPERUSER_PASSWORD`; otherwise it is asked twice without echo.
 */
export async function createUser(args: string[], kind: 'superuser' | 'user'): Promise<void> {
  const { values } = parseCommandArgs(kind === 'user' ? 'createuser' : 'createsuperuser', args, {
    username: { type: 'string' },
    email: { type: 'string', default: '' },
    'no-input': { type: 'boolean', default: false },
    ...(kind === 'user' ? { inactive: { type: 'boolean', default: false }, staff: { type: 'boolean', default: false } } : {}),
  });
  const settings = cliSettings();
  // `loginField: 'email'` (Django's USERNAME_FIELD = 'email'): the email is required and names the
  // account; without --username one is made from it, as registration makes it.
  const byEmail = settings.loginField === 'email';
  if (byEmail ? !values.email : !values.username) throw new CommandError(byEmail ? '--email is required' : '--username is required', 2);
  const email = String(values.email ?? '');
  if (email && !EMAIL_PATTERN.test(email)) throw new CommandError(`--email: ${JSON.stringify(email)} is not a valid email address`);
  // Checked as it will be stored (Django's createsuperuser stores it normalized too).
  const given = values.username === undefined ? null : normalizeUsername(values.username);
  if (given !== null && !USERNAME_PATTERN.test(given)) {
    throw new CommandError('--username: enter a valid username of at most 150 letters, digits and @/./+/-/_ characters');
  }

  const password = values['no-input'] ? passwordFromEnvironment() : await askPasswordTwice();
  checkNewPassword(password, { username: given ?? email, email });
  await withTessera(settings, async (tessera) => {
    // A made-up username may be taken: another is made (as registration does), a given one is an error.
    for (let attempt = 0; ; attempt += 1) {
      try {
        await tessera.users.create({
          username: given ?? usernameFromEmail(email, attempt),
          email,
          password,
          isSuperuser: kind === 'superuser',
          isStaff: kind === 'superuser' || values.staff === true,
          isActive: values.inactive !== true,
        });
        return;
      } catch (error) {
        if (error instanceof EmailTakenError) throw new CommandError('That email address is already taken.');
        if (!(error instanceof UsernameTakenError)) throw error;
        if (given !== null || attempt >= 4) throw new CommandError('That username is already taken.');
      }
    }
  });
  process.stdout.write(kind === 'superuser' ? 'Superuser created successfully.\n' : 'User created successfully.\n');
}

function passwordFromEnvironment(): string {
  const password = process.env.TESSERA_SUPERUSER_PASSWORD;
  if (!password) throw new CommandError('--no-input needs the password in TESSERA_SUPERUSER_PASSWORD');
  return password;
}

/** Asks twice, as Django does; the answers must match. */
export async function askPasswordTwice(): Promise<string> {
  const first = await askHidden('Password: ');
  if (first === null) throw new CommandError('no password given (input ended)');
  const second = await askHidden('Password (again): ');
  if (second === null) throw new CommandError('no password given (input ended)');
  if (first !== second) throw new CommandError("Your passwords didn't match.");
  if (first.trim() === '') throw new CommandError("Blank passwords aren't allowed.");
  return first;
}
