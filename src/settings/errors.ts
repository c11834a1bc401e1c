import { TesseraError } from '../errors.js';

/** A setting with a value tessera cannot use; the message names the setting and what it accepts. */
export class SettingsError extends TesseraError {
  readonly code = 'invalid_setting';
  constructor(
    readonly setting: string,
    message: string,
  ) {
    super(`${setting}: ${message}`);
    this.name = 'SettingsError';
  }
}
