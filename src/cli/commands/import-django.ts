import {
  asTarget, checkDjangoSchema, DjangoImportError, importFromDjango, openDjangoSource, openDryRunTarget,
  type DjangoImportReport, type ImportProgress, type UserModelOptions,
} from '../../migration-from-django/index.js';
import { redact } from '../../migration-from-django/source-url.js';
import { databaseOptions } from '../../store/index.js';
import { parseCommandArgs } from '../args.js';
import { cliSettings, withStore } from '../context.js';
import { CommandError } from '../errors.js';
import { ProgressBar } from '../progress-bar.js';

const USAGE = 'usage: tessera import-django DATABASE_URL [--dry-run] [--user-model APP.MODEL] [--user-table TABLE] [--username-field COLUMN] [--exclude-field COLUMN]...';

/**
 * `tessera import-django DATABASE_URL [--dry-run] [--user-model accounts.User] ...`: copies a
 * Django database's users (a custom AUTH_USER_MODEL's with its own columns), groups, permissions and tokens.
 */
export async function importDjango(args: string[]): Promise<void> {
  const { values, positionals } = parseCommandArgs('import-django', args, {
    'dry-run': { type: 'boolean', default: false },
    'user-model': { type: 'string' },
    'user-table': { type: 'string' },
    'username-field': { type: 'string' },
    'exclude-field': { type: 'string', multiple: true },
  }, true);
  const url = positionals[0];
  if (!url || positionals.length > 1) throw new CommandError(USAGE, 2);
  const dryRun = values['dry-run'] === true;
  const model: UserModelOptions = {
    ...(values['user-model'] !== undefined ? { userModel: values['user-model'] } : {}),
    ...(values['user-table'] !== undefined ? { userTable: values['user-table'] } : {}),
    ...(values['username-field'] !== undefined ? { usernameField: values['username-field'] } : {}),
    ...(values['exclude-field'] !== undefined ? { excludeFields: values['exclude-field'] } : {}),
  };
  const settings = cliSettings();
  const bar = process.stderr.isTTY ? new ProgressBar(process.stderr) : null;
  const onProgress = bar ? ({ table, done, total }: ImportProgress) => bar.update(table, done, total) : undefined;
  try {
    const source = await openDjangoSource(url);
    try {
      // Before tessera's database is opened (and perhaps created): a wrong source changes nothing.
      await checkDjangoSchema(source, model);
      let report: DjangoImportReport;
      if (dryRun) {
        const target = await openDryRunTarget(settings.databaseUrl, databaseOptions(settings));
        try {
          report = await importFromDjango(source, target.db, { ...model, dryRun, ...(onProgress ? { onProgress } : {}) });
        } finally {
          await target.close();
        }
      } else {
        report = await withStore(settings, (store) =>
          importFromDjango(source, asTarget(store.database.db), { ...model, ...(onProgress ? { onProgress } : {}) }),
        );
      }
      bar?.clear();
      process.stdout.write(describe(report, redact(settings.databaseUrl)));
    } finally {
      await source.close();
    }
  } catch (error) {
    bar?.clear();
    if (error instanceof DjangoImportError) throw new CommandError(error.message);
    throw error;
  }
}

/** The summary: one line a table, then notes, conflicts and the next user id. */
export function describe(report: DjangoImportReport, target: string): string {
  const lines = [
    report.dryRun
      ? `Dry run, nothing was written. Importing from ${report.source} into ${target} would do:`
      : `Imported from ${report.source} into ${target}:`,
  ];
  const [insert, update] = report.dryRun ? ['to insert', 'to update'] : ['inserted', 'updated'];
  for (const table of report.tables) {
    const counts = table.skipped
      ? `skipped: ${table.skipped}`
      : `${table.inDjango} in Django: ${table.inserted} ${insert}, ${table.updated} ${update}, ${table.unchanged} unchanged`;
    lines.push(`  ${table.table.padEnd(34)} ${counts}`);
  }
  for (const note of report.tables.flatMap((t) => t.notes)) lines.push(`  note: ${note}`);
  for (const conflict of report.conflicts) lines.push(`  conflict: ${conflict}`);
  if (report.conflicts.length) {
    const count = report.conflicts.length === 1 ? '1 user clashes' : `${report.conflicts.length} users clash`;
    lines.push(`The import would stop before writing anything: ${count} with tessera's users.`);
  }
  if (report.nextUserId !== null) {
    lines.push(`${report.dryRun ? 'New tessera users would' : 'New tessera users'} get ids from ${report.nextUserId}, past every id Django has used.`);
  }
  return `${lines.join('\n')}\n`;
}
