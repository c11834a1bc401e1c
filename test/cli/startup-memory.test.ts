import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { TSX } from '../support/cli-process.js';

// `serve` changes V8 flags while it starts (src/cli/startup-memory.ts). Node calls that
// unpredictable, so these tests run the holds in a process of their own and check that V8 does
// what the memory figures in docs/performance.md rely on, and that TurboFan is back afterwards.

const MODULE = fileURLToPath(new URL('../../src/cli/startup-memory.ts', import.meta.url));
const PROBE = fileURLToPath(new URL('../fixtures/startup-memory-probe.mjs', import.meta.url));

interface Report {
  newSpaceAtStart: number;
  newSpaceWhileHeld: number;
  newSpaceAfterRelease: number;
  optimizedWhileHeld: boolean;
  optimizedAfter: boolean;
  heldOneOptimizedAfter: boolean;
}

function probe(nodeFlags: string[] = []): Report {
  const output = execFileSync(process.execPath, ['--allow-natives-syntax', ...nodeFlags, '--import', TSX, PROBE, MODULE], { encoding: 'utf8' });
  return JSON.parse(output) as Report;
}

describe('the start-up memory holds of serve', () => {
  test('hold the young generation and TurboFan, then give both back', () => {
    const report = probe();
    assert.equal(report.newSpaceWhileHeld, report.newSpaceAtStart, 'the young generation keeps its first size while held');
    assert.ok(report.newSpaceAfterRelease > report.newSpaceWhileHeld, 'it grows again once released');
    assert.equal(report.optimizedWhileHeld, false, 'no TurboFan while held');
    assert.equal(report.optimizedAfter, true, 'TurboFan optimizes again after the modules are loaded');
    assert.equal(report.heldOneOptimizedAfter, true, 'a function that got hot while held is optimized once TurboFan is back');
  });

  test("leave V8 alone when the user chose one of the flags", () => {
    const report = probe(['--semi-space-growth-factor=2']);
    assert.ok(report.newSpaceWhileHeld > report.newSpaceAtStart, 'the young generation grows as V8 likes');
    assert.equal(report.optimizedWhileHeld, true, 'TurboFan was never turned off');
  });
});
