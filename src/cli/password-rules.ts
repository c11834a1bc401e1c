import { CommandError } from './errors.js';

/**
 * The checks Django's createsuperuser applies that need no word list: length and all-digits.
 * The full validator set (common passwords, similarity) comes with the accounts API.
 */
export function checkNewPassword(password: string): void {
  if (password.length < 8) {
    throw new CommandError('This password is too short. It must contain at least 8 characters.');
  }
  if (/^\d+$/.test(password)) throw new CommandError('This password is entirely numeric.');
}
