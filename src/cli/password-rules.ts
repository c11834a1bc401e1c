import { validatePassword, type PasswordUser } from '../accounts/index.js';
import { CommandError } from './errors.js';

/**
 * Django's default password validators, as createsuperuser and changepassword apply them. Every
 * failing validator's message, on one line (Django prints one per line; a CLI error here is one).
 */
export function checkNewPassword(password: string, user?: PasswordUser | null): void {
  const problems = validatePassword(password, user);
  if (problems.length > 0) throw new CommandError(problems.join(' '));
}
