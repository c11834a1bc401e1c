import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanUp, freshFolder, runCli, type Run } from '../support/cli-process.js';

// Every error of the tessera command is one line starting with `tessera: error:`, and a misspelt
// name (command, option, variable, config key) is named with the closest valid one.

after(cleanUp);

const ROOT = new URL('../..', import.meta.url).pathname;
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** The commands src/cli/main.ts dispatches (the keys of its COMMANDS table). */
function dispatchedCommands(): string[] {
  const main = readFileSync(join(ROOT, 'src/cli/main.ts'), 'utf8');
  const table = /const COMMANDS[^{]*\{\n([\s\S]*?)\n\};/.exec(main);
  assert.ok(table, 'src/cli/main.ts has a COMMANDS table');
  return [...table[1]!.matchAll(/^\s+'?([\w-]+)'?: async/gm)].map((match) => match[1]!);
}

function assertOneErrorLine(run: Run, pattern: RegExp, code?: number): void {
  if (code === undefined) assert.notEqual(run.code, 0, `expected a failure: ${run.stdout}`);
  else assert.equal(run.code, code, run.stderr);
  const lines = run.stderr.split('\n');
  assert.equal(lines.at(-1), '', 'stderr ends with a newline');
  assert.equal(lines.length, 2, `one line on stderr, got:\n${run.stderr}`);
  assert.ok(lines[0]!.startsWith('tessera: error: '), lines[0]);
  assert.match(lines[0]!, pattern);
  assert.equal(run.stdout, '');
}

describe('every command: a bad argument is one "tessera: error:" line and a non-zero exit', () => {
  /** An unknown option for every command (the subcommand first where there is one). */
  const unknownOption: Record<string, string[]> = {
    serve: ['serve'], migrate: ['migrate'], createsuperuser: ['createsuperuser'], createuser: ['createuser'],
    changepassword: ['changepassword', 'admin'], flushexpiredtokens: ['flushexpiredtokens'],
    drf_create_token: ['drf_create_token', 'admin'], token: ['token', 'decode'], 'import-django': ['import-django', 'sqlite:x'],
    audit: ['audit'], flushauditlog: ['flushauditlog'], keys: ['keys', 'list'],
  };
  /** A bad value or a missing or extra argument for every command. */
  const badArgument: Record<string, string[]> = {
    serve: ['serve', '--workers', '0'], migrate: ['migrate', 'now'], createsuperuser: ['createsuperuser', '--username', 'no spaces allowed'],
    createuser: ['createuser', '--email', 'x'], changepassword: ['changepassword'], flushexpiredtokens: ['flushexpiredtokens', 'all'],
    drf_create_token: ['drf_create_token', 'a', 'b'], token: ['token', 'decode', 'not-a-jwt'], 'import-django': ['import-django', 'mysql://x/y'],
    audit: ['audit', '--limit', 'lots'], flushauditlog: ['flushauditlog', '--older-than', 'soon'], keys: ['keys', 'generate', '--alg', 'HS1'],
  };

  test('the tables below cover every command tessera dispatches', () => {
    assert.deepEqual(Object.keys(unknownOption).sort(), dispatchedCommands().sort());
    assert.deepEqual(Object.keys(badArgument).sort(), dispatchedCommands().sort());
  });

  for (const [command, args] of Object.entries(unknownOption)) {
    test(`${args.join(' ')} --bogus`, async () => {
      const run = await runCli(freshFolder(), [...args, '--bogus']);
      assertOneErrorLine(run, new RegExp(`^tessera: error: unknown option --bogus for tessera ${args[0] === 'token' || args[0] === 'keys' ? `${args[0]} ${args[1]}` : command}; it takes`), 2);
    });
  }

  for (const args of Object.values(badArgument)) {
    test(args.join(' '), async () => {
      assertOneErrorLine(await runCli(freshFolder(), args), /./);
    });
  }
});

describe('a misspelt name gets the closest valid one', () => {
  const cases: [string[], string, number][] = [
    [['flushexpiredtokens', '--now'], 'tessera: error: unknown option --now for tessera flushexpiredtokens; it takes no options', 2],
    [['import-django', 'sqlite:x', '--dryrun'], 'tessera: error: unknown option --dryrun for tessera import-django; did you mean --dry-run?', 2],
    [['serve', '--worker', '2'], 'tessera: error: unknown option --worker for tessera serve; did you mean --workers?', 2],
    [['createuser', '--username', 'x', '--no-inptu'], 'tessera: error: unknown option --no-inptu for tessera createuser; did you mean --no-input?', 2],
    [['migarte'], 'tessera: error: unknown command "migarte"; did you mean migrate?', 2],
    [['frobnicate'], 'tessera: error: unknown command "frobnicate"; run tessera --help', 2],
    [['toString'], 'tessera: error: unknown command "toString"; run tessera --help', 2],
    [['constructor'], 'tessera: error: unknown command "constructor"; run tessera --help', 2],
    [['--verison'], 'tessera: error: unknown option --verison; did you mean --version?', 2],
  ];
  for (const [args, line, code] of cases) {
    test(`tessera ${args.join(' ')}`, async () => {
      const run = await runCli(freshFolder(), args);
      assert.equal(run.stderr, `${line}\n`);
      assert.equal(run.code, code);
    });
  }

  test('an unknown TESSERA_* variable stops a command, naming the setting meant', async () => {
    const run = await runCli(freshFolder(), ['migrate'], { TESSERA_ACESS_TOKEN_LIFETIME: '5' });
    assertOneErrorLine(run, /^tessera: error: unknown setting TESSERA_ACESS_TOKEN_LIFETIME; did you mean TESSERA_ACCESS_TOKEN_LIFETIME\?$/, 1);
  });

  test('an unknown key in tessera.config.json stops a command, naming the setting meant', async () => {
    const cwd = freshFolder();
    writeFileSync(join(cwd, 'tessera.config.json'), JSON.stringify({ refreshTokenLifetme: '1d' }));
    const run = await runCli(cwd, ['flushexpiredtokens']);
    assertOneErrorLine(run, /^tessera: error: unknown setting "refreshTokenLifetme" in tessera\.config\.json; did you mean "refreshTokenLifetime"\?$/, 1);
  });

  test('the variables tessera reads besides settings pass (createsuperuser --no-input reads TESSERA_SUPERUSER_PASSWORD)', async () => {
    const cwd = freshFolder();
    const run = await runCli(cwd, ['createsuperuser', '--username', 'admin', '--no-input'], { TESSERA_SUPERUSER_PASSWORD: 'a-Strong-passphrase-9' });
    assert.equal(run.code, 0, run.stderr);
  });
});

describe('--version', () => {
  for (const flag of ['--version', '-V']) {
    test(`tessera ${flag} prints package.json's version and exits 0`, async () => {
      const run = await runCli(freshFolder(), [flag]);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout, `${VERSION}\n`);
      assert.equal(run.stderr, '');
    });
  }
});

describe('a command with --help', () => {
  for (const args of [['serve', '--help'], ['migrate', '-h'], ['keys', 'rotate', '--help']]) {
    test(`tessera ${args.join(' ')} prints the summary and exits 0 without running the command`, async () => {
      const cwd = freshFolder();
      const run = await runCli(cwd, args);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /^usage: tessera <command>/);
      assert.equal(run.stderr, '');
      assert.equal(existsSync(join(cwd, 'data')), false, 'nothing was created');
    });
  }
});
