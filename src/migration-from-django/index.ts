export { importFromDjango, openDjangoSource, type ImportOptions } from './import.js';
export { checkDjangoSchema, type DjangoTables } from './django-schema.js';
export { resolveUserModel, type DjangoUserModel, type UserModelOptions } from './user-model.js';
export { DjangoImportError } from './errors.js';
export { parseDjangoSourceUrl, type DjangoSourceLocation } from './source-url.js';
export { djangoDateToIso } from './dates.js';
export { asTarget, openDryRunTarget, type TargetSchema } from './target.js';
export type { DjangoImportReport, ImportProgress, TableReport } from './report.js';
export type { DjangoSource } from './source.js';
