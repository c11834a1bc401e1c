import { reactive } from 'vue';
import { client, errorMessage, fieldErrors, TesseraHttpError } from './api.ts';
import { isReauthenticationRequired } from '../../src/client/index.ts';

/**
 * The password dialog for routes that need a recent login (403 `reauthentication_required`):
 * open while an action waits for it; the server's field errors shown next to the field.
 */
export const reauthDialog = reactive({
  open: false,
  busy: false,
  errors: {} as Record<string, string[]>,
});

/** What the waiting action hears: true once re-authenticated, false when the person cancelled. */
let settle: ((reauthenticated: boolean) => void) | null = null;

/**
 * Runs `action`; when the server answers that it needs a recent login, asks for the password in
 * the dialog, re-authenticates, and runs `action` once more. Cancelled, the 403 is thrown as it
 * came, so the caller reports the server's sentence.
 */
export async function withFreshLogin<T>(action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (!isReauthenticationRequired(error)) throw error;
    if (!(await askForPassword())) throw error;
    return action();
  }
}

/**
 * Runs `action`; when it needs a recent login, re-authenticates with a password the form already
 * has (the password change's current password) and runs it once more. A wrong password throws the
 * server's 400 with its message under `field`, the form's name for that password.
 */
export async function withFreshLoginUsing<T>(password: string, field: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (!isReauthenticationRequired(error)) throw error;
    try {
      await client.reauthenticate(password);
    } catch (refused) {
      throw renamedField(refused, 'password', field);
    }
    return action();
  }
}

function askForPassword(): Promise<boolean> {
  settle?.(false); // One dialog at a time: an older request that still waits gives up.
  reauthDialog.errors = {};
  reauthDialog.open = true;
  return new Promise((resolve) => {
    settle = resolve;
  });
}

/** The dialog's Confirm: re-authenticates; a refusal stays in the dialog, next to the field. */
export async function confirmPassword(password: string): Promise<void> {
  reauthDialog.busy = true;
  reauthDialog.errors = {};
  try {
    await client.reauthenticate(password);
    close(true);
  } catch (error) {
    const fields = fieldErrors(error);
    reauthDialog.errors = Object.keys(fields).length ? fields : { non_field_errors: [errorMessage(error)] };
  } finally {
    reauthDialog.busy = false;
  }
}

/** The dialog's Cancel (or Escape). */
export function cancelPassword(): void {
  close(false);
}

function close(reauthenticated: boolean): void {
  reauthDialog.open = false;
  reauthDialog.errors = {};
  const waiting = settle;
  settle = null;
  waiting?.(reauthenticated);
}

/** A 400 whose `from` field errors are shown under the form's `to` field; any other error as it is. */
function renamedField(error: unknown, from: string, to: string): unknown {
  const fields = fieldErrors(error);
  if (!fields[from]) return error;
  const { [from]: moved, ...rest } = fields;
  return new TesseraHttpError(400, { ...rest, [to]: moved });
}
