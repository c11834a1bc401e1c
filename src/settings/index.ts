export type { Settings, Algorithm, AuthenticationClassName } from './types.js';
export { HMAC_ALGORITHMS, AUTHENTICATION_CLASSES } from './types.js';
export { DEFAULT_SETTINGS } from './defaults.js';
export { SettingsError } from './errors.js';
export { loadSettings, envName, SETTING_NAMES, type LoadOptions } from './load.js';
export { parseDuration } from './values.js';
export { systemClock, type Clock } from './clock.js';
