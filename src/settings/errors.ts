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

/**
 * A name that is not a setting (a `TESSERA_*` variable, a config file key, an override): refused
 * rather than ignored, since a misspelt setting silently left at its default is worse than a stop.
 */
export class UnknownSettingError extends SettingsError {
  constructor(
    /** The name as the user wrote it, and where (a misspelt variable's name, `"x" in tessera.config.json`). */
    written: string,
    /** The closest known name, for "did you mean ...?". */
    readonly suggestion: string | null,
  ) {
    super(written, 'is not a setting');
    this.message = `unknown setting ${written}; ${suggestion ? `did you mean ${suggestion}?` : 'docs/settings.md lists the settings'}`;
    this.name = 'UnknownSettingError';
  }
}
