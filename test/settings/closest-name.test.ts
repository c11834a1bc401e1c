import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { closestName, editDistance } from '../../src/settings/closest-name.js';

describe('editDistance (optimal string alignment)', () => {
  test('counts insertions, deletions, substitutions and neighbour swaps', () => {
    assert.equal(editDistance('kitten', 'sitting'), 3);
    assert.equal(editDistance('', 'abc'), 3);
    assert.equal(editDistance('abc', ''), 3);
    assert.equal(editDistance('same', 'same'), 0);
    assert.equal(editDistance('acess', 'access'), 1);
    // A swap of two neighbours is one edit, not two substitutions.
    assert.equal(editDistance('lifetmie', 'lifetime'), 1);
    assert.equal(editDistance('ca', 'abc'), 3);
  });

  test('is symmetric, zero only for equal strings, and between the length difference and the longer length', () => {
    fc.assert(fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (a, b) => {
      const distance = editDistance(a, b);
      assert.equal(distance, editDistance(b, a));
      assert.equal(distance === 0, a === b);
      assert.ok(distance >= Math.abs(a.length - b.length));
      assert.ok(distance <= Math.max(a.length, b.length));
    }));
  });
});

describe('closestName', () => {
  const variables = ['TESSERA_ACCESS_TOKEN_LIFETIME', 'TESSERA_REFRESH_TOKEN_LIFETIME', 'TESSERA_PORT', 'TESSERA_HOST'];

  test('finds the variable a typo meant', () => {
    assert.equal(closestName('TESSERA_ACESS_TOKEN_LIFETIME', variables), 'TESSERA_ACCESS_TOKEN_LIFETIME');
    assert.equal(closestName('TESSERA_REFERSH_TOKEN_LIFETIME', variables), 'TESSERA_REFRESH_TOKEN_LIFETIME');
    assert.equal(closestName('TESSERA_PROT', variables), 'TESSERA_PORT');
  });

  test('ignores case, underscores and dashes: a variable-style or snake_case key finds the camelCase setting', () => {
    assert.equal(closestName('ACCESS_TOKEN_LIFETIME', ['accessTokenLifetime', 'leeway']), 'accessTokenLifetime');
    assert.equal(closestName('access_token_lifetme', ['accessTokenLifetime', 'leeway']), 'accessTokenLifetime');
    assert.equal(closestName('--dryrun', ['--dry-run', '--json']), '--dry-run');
  });

  test('suggests nothing when no name is near (the shared TESSERA_ does not count)', () => {
    assert.equal(closestName('TESSERA_FOO', variables), null);
    assert.equal(closestName('TESSERA_DEBUG', variables), null);
    assert.equal(closestName('--now', ['--workers']), null);
    assert.equal(closestName('--now', []), null);
  });
});
