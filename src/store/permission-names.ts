import { TesseraError } from '../errors.js';

/** A permission as Django's `has_perm` spells it: `app_label.codename` (`notes.change_note`). */
export interface PermissionName {
  appLabel: string;
  codename: string;
}

/** Django's field lengths: `app_label` varchar(100), `codename` varchar(100). */
const PART = /^[^\s.]{1,100}$/;
const CODENAME = /^\S{1,100}$/;

/** A permission or group name tessera cannot store or does not know. */
export class PermissionNameError extends TesseraError {
  readonly code = 'invalid_permission';
  constructor(message: string) {
    super(message);
    this.name = 'PermissionNameError';
  }
}

/** `notes.change_note` as its app label and codename (split at the first dot, as the app label has none). */
export function parsePermissionName(name: string): PermissionName {
  const dot = name.indexOf('.');
  const appLabel = dot > 0 ? name.slice(0, dot) : '';
  const codename = dot > 0 ? name.slice(dot + 1) : '';
  if (!PART.test(appLabel) || !CODENAME.test(codename)) {
    throw new PermissionNameError(`${JSON.stringify(name)} is not a permission: write it as app_label.codename (notes.change_note)`);
  }
  return { appLabel, codename };
}

/** The permission's `app_label.codename`. */
export function permissionNameOf(permission: PermissionName): string {
  return `${permission.appLabel}.${permission.codename}`;
}

/**
 * Django's default name for a permission: `Can change note` for `change_note` (the model's
 * verbose name is not known here); the codename itself for any other.
 */
export function defaultPermissionTitle(codename: string): string {
  const match = /^(add|change|delete|view)_(.+)$/.exec(codename);
  return match ? `Can ${match[1]} ${match[2]!.replace(/_/g, ' ')}` : codename;
}
