import { parseArgs, type ParseArgsConfig } from 'node:util';
import { closestName } from '../settings/index.js';
import { CommandError } from './errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * `util.parseArgs` for `tessera COMMAND`, strict, with an unknown option named in one line with
 * the closest one the command takes (`unknown option --dryrun for tessera import-django; did you
 * mean --dry-run?`) instead of Node's several-line message, and exit code 2.
 */
export function parseCommandArgs<const O extends Options, P extends boolean = false>(
  command: string, args: string[], options: O, allowPositionals?: P,
): ReturnType<typeof parseArgs<{ args: string[]; options: O; allowPositionals: P; strict: true }>> {
  refuseUnknownOptions(command, args, options);
  return parseArgs({ args, options, allowPositionals: (allowPositionals ?? false) as P, strict: true });
}

function refuseUnknownOptions(command: string, args: string[], options: Options): void {
  const names = Object.entries(options).flatMap(([long, option]) => [`--${long}`, ...(option.short ? [`-${option.short}`] : [])]);
  // A lenient pass only to see the options as the strict one will (`--x=1`, `-abc`, after `--`).
  const { tokens } = parseArgs({ args, options, allowPositionals: true, strict: false, tokens: true });
  for (const token of tokens) {
    if (token.kind !== 'option' || names.includes(token.rawName)) continue;
    const suggestion = closestName(token.rawName, names.filter((name) => name.startsWith('--')));
    const hint = suggestion ? `did you mean ${suggestion}?` : names.length ? `it takes ${names.join(', ')}` : 'it takes no options';
    throw new CommandError(`unknown option ${token.rawName} for tessera ${command}; ${hint}`, 2);
  }
}
