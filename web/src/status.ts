import { reactive } from 'vue';

/** The one status line the app shell announces (aria-live): what just happened, or went wrong. */
export const status = reactive({ message: '', kind: 'info' as 'info' | 'success' | 'error', keepFor: '' });

/** Announces a result; `keepFor` names the page it is for, so navigating there keeps it (sign in, sign out). */
export function announce(message: string, kind: 'info' | 'success' | 'error' = 'info', keepFor = ''): void {
  status.message = message;
  status.kind = kind;
  status.keepFor = keepFor;
}

/** Clears the status line on navigation, unless it was announced for the page now shown. */
export function clearStatus(path: string): void {
  if (status.keepFor === path) return;
  status.message = '';
  status.keepFor = '';
}
