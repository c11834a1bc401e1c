#!/usr/bin/env node
import { closestName, packageVersion, SettingsError } from '../settings/index.js';
import { CommandError } from './errors.js';
import { closePrompts } from './prompt.js';
import { holdStartupMemory } from './startup-memory.js';

const USAGE = `usage: tessera <command> [options]
       tessera --version                  print tessera's version

commands:
  serve                                   serve the API (migrates the database first)
    --workers N                           run N processes on one port (default TESSERA_WORKERS or 1)
  migrate                                 apply database migrations
  createsuperuser --username U --email E [--no-input]
  createuser --username U --email E [--no-input] [--inactive] [--staff]
  changepassword USERNAME
  flushexpiredtokens                      delete expired outstanding tokens
  drf_create_token USERNAME [-r]          print the user's DRF authtoken key (-r: replace it)
  token decode JWT                        show a token's header, claims and expiry, and verify it
  keys generate --alg ALG                 add a signing key to the database keyring (RS/PS/ES256..512, EdDSA)
  keys list                               the keyring: kid, alg, created, state (never private keys)
  keys rotate [--alg ALG]                 a new key signs; the old one verifies until its tokens expire
  keys revoke KID                         refuse the key's tokens at once on every node (a new key signs)
  keys encrypt                            seal stored private keys under TESSERA_KEY_ENCRYPTION_KEY
  import-django DATABASE_URL [--dry-run] [--user-model APP.MODEL] [--user-table T] [--username-field C] [--exclude-field C]
                                          copy users, groups, permissions and tokens from a Django database (sqlite:PATH, postgres://)
  audit [--user U] [--type T] [--since 1h] [--limit N] [--json]
                                          print audit events, newest first, one a line
  flushauditlog --older-than DURATION     delete audit events older than that (e.g. 90d)

settings come from tessera.config.json and TESSERA_* variables (see docs/settings.md).`;

// Each command is loaded when it runs: `serve` starts sooner without import-django's drivers.
const COMMANDS: Record<string, (args: string[]) => Promise<void>> = {
  serve: async (args) => (await import('./commands/serve.js')).serve(args),
  migrate: async (args) => (await import('./commands/migrate.js')).migrateCommand(args),
  createsuperuser: async (args) => (await import('./commands/create-user.js')).createUser(args, 'superuser'),
  createuser: async (args) => (await import('./commands/create-user.js')).createUser(args, 'user'),
  changepassword: async (args) => (await import('./commands/change-password.js')).changePassword(args),
  flushexpiredtokens: async (args) => (await import('./commands/flush-expired-tokens.js')).flushExpiredTokens(args),
  drf_create_token: async (args) => (await import('./commands/drf-create-token.js')).drfCreateToken(args),
  token: async (args) => (await import('./commands/token-decode.js')).tokenDecode(args),
  'import-django': async (args) => (await import('./commands/import-django.js')).importDjango(args),
  audit: async (args) => (await import('./commands/audit.js')).auditCommand(args),
  flushauditlog: async (args) => (await import('./commands/flush-audit-log.js')).flushAuditLog(args),
  keys: async (args) => (await import('./commands/keys.js')).keysCommand(args),
};

/** Options of `tessera` itself, before any command. */
const GLOBAL_OPTIONS = ['--help', '-h', '--version', '-V'];

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-V') {
    process.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  // Own keys only: `tessera toString` is not a command.
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  // `tessera serve --help` is how many look for a command's options: the summary has them all.
  const options = args.includes('--') ? args.slice(0, args.indexOf('--')) : args;
  if (command && (options.includes('--help') || options.includes('-h'))) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (!command) {
    const [kind, known] = name.startsWith('-') ? ['option', GLOBAL_OPTIONS.filter((o) => o.startsWith('--'))] : ['command', Object.keys(COMMANDS)];
    const suggestion = closestName(name, known);
    const shown = kind === 'option' ? name : JSON.stringify(name);
    process.stderr.write(`tessera: error: unknown ${kind} ${shown}; ${suggestion ? `did you mean ${suggestion}?` : 'run tessera --help'}\n`);
    return 2;
  }
  // Before the serve command's modules load (see startup-memory.ts); it lets go once listening.
  if (name === 'serve') holdStartupMemory();
  try {
    await command(args);
    return 0;
  } catch (error) {
    // Django's own wording ("That username is already taken.") after the prefix every error line has.
    process.stderr.write(`tessera: error: ${oneLine(error)}\n`);
    if (error instanceof CommandError) return error.exitCode;
    return isUsageError(error) ? 2 : 1;
  } finally {
    if (name !== 'serve') closePrompts();
  }
}

/** A failure as one line: our own messages as they are, anything else by its message. */
function oneLine(error: unknown): string {
  if (error instanceof CommandError || error instanceof SettingsError) return error.message;
  // util.parseArgs explains some mistakes over several lines (a value that starts with a dash).
  if (isUsageError(error)) return error.message.replace(/\s*\n\s*/g, ' ');
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? 'unknown error';
}

/** An unknown or malformed option, as `util.parseArgs` reports it. */
function isUsageError(error: unknown): error is TypeError {
  return error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS');
}

const code = await main(process.argv.slice(2));
if (code !== 0 || process.argv[2] !== 'serve') process.exitCode = code;
