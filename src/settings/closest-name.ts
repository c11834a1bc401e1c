/**
 * "Did you mean ...?" for a misspelt name: the known name nearest to it, or null when none is
 * near enough to be a likely typo. Names are compared without case, `_`/`-` and the `TESSERA_`
 * every variable shares, so `access_token_lifetime` finds `accessTokenLifetime`, `--dryrun` finds
 * `--dry-run`, and a variable ending in FOO finds nothing (not the one ending in PORT).
 */
export function closestName(name: string, known: Iterable<string>): string | null {
  const wanted = comparable(name);
  // About one edit in three characters, at least two: ACESS_TOKEN_LIFETIME is a typo, FOO is not PORT.
  const limit = Math.max(2, Math.floor(wanted.length / 3));
  let best: string | null = null;
  let bestDistance = limit + 1;
  for (const candidate of known) {
    const distance = editDistance(wanted, comparable(candidate));
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function comparable(name: string): string {
  return name.toLowerCase().replace(/[-_]/g, '').replace(/^tessera/, '');
}

/**
 * Optimal string alignment distance (Damerau-Levenshtein without re-editing a substring): the
 * insertions, deletions, substitutions and swaps of two neighbouring characters that turn `a` into `b`.
 */
export function editDistance(a: string, b: string): number {
  // Three rows of the dynamic-programming table: the one before last (for swaps), the last, this one.
  let beforeLast: number[] = [];
  let last = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let distance = Math.min(last[j]! + 1, row[j - 1]! + 1, last[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) distance = Math.min(distance, beforeLast[j - 2]! + 1);
      row.push(distance);
    }
    beforeLast = last;
    last = row;
  }
  return last[b.length]!;
}
