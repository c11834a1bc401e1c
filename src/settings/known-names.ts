import { closestName } from './closest-name.js';
import { UnknownSettingError } from './errors.js';

/**
 * `TESSERA_*` variables read by something other than the settings loader: each setting's own
 * variable comes from its key (`envName`), these do not. A variable in neither list is refused, so
 * a name read anywhere in tessera must be listed here (test/settings/known-names.test.ts greps for them).
 */
export const OTHER_VARIABLES: Readonly<Record<string, string>> = {
  TESSERA_CONFIG: 'the config file to read instead of ./tessera.config.json',
  TESSERA_SUPERUSER_PASSWORD: 'the password for `tessera createsuperuser --no-input`',
  TESSERA_URL: "a tessera's address, in examples/ and docs/verify.md",
  TESSERA_NEXT_DIST_DIR: "examples/nextjs's build folder (the tests build into their own)",
  TESSERA_PEER_SCRIPT: "the Django peer's start script (test/peer/)",
  TESSERA_SIDE_BY_SIDE_VERBOSE: 'print every comparison with the Django peer (test/peer/)',
  // The container's build and compose.yaml (docs/container.md): read by them, never by tessera,
  // but often exported in the same shell that runs it.
  TESSERA_BASE_IMAGE: "the container image's base (scripts/container-base.sh, compose.yaml)",
  TESSERA_IMAGE: "the container image compose.yaml runs",
  TESSERA_PUBLISH: "the host port compose.yaml publishes tessera's 8000 on",
};

/** Families of variables the test suite, CI and the benchmarks read (docs/testing.md). */
export const OTHER_VARIABLE_PREFIXES: readonly string[] = ['TESSERA_TEST_', 'TESSERA_REQUIRE_', 'TESSERA_BENCH_'];

/** Whether tessera reads `name` (a setting's variable, or one of the others). */
export function isKnownVariable(name: string, settingVariables: ReadonlySet<string>): boolean {
  return settingVariables.has(name) || Object.hasOwn(OTHER_VARIABLES, name) || OTHER_VARIABLE_PREFIXES.some((prefix) => name.startsWith(prefix));
}

/** Refuses the first (by name) `TESSERA_*` variable in `env` that tessera does not read, with the closest name. */
export function refuseUnknownVariables(env: Record<string, string | undefined>, settingVariables: ReadonlySet<string>): void {
  const unknown = Object.keys(env)
    .filter((name) => name.startsWith('TESSERA_') && env[name] !== undefined && !isKnownVariable(name, settingVariables))
    .sort();
  if (unknown.length === 0) return;
  const name = unknown[0]!;
  throw new UnknownSettingError(name, closestName(name, [...settingVariables, ...Object.keys(OTHER_VARIABLES)]));
}

/** Refuses the first key of `values` that is not a setting; `where` says where it was written. */
export function refuseUnknownKeys(values: object, settingNames: readonly string[], where = ''): void {
  for (const key of Object.keys(values)) {
    if (settingNames.includes(key)) continue;
    const suggestion = closestName(key, settingNames);
    throw new UnknownSettingError(`${JSON.stringify(key)}${where}`, suggestion && JSON.stringify(suggestion));
  }
}
