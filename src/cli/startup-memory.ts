import { setFlagsFromString } from 'node:v8';

/**
 * What starting `serve` leaves resident, held back (issue 6 counts an idle process's pages; an
 * idle server measured 83-93 MB right after start, 77 MB with these holds, docs/performance.md):
 *
 * - V8 doubles its young generation each time a scavenge finds most of it alive, which is all of
 *   start-up (the loaded modules and the routes are kept), and those pages stay resident until its
 *   memory reducer runs, seconds into idleness. Held at its first size until the server listens;
 *   it grows again under load.
 * - TurboFan compiles the functions that module loading runs hot on V8's worker threads, whose
 *   malloc arenas keep the compile zones' memory (about 10 MB) after the code is gone. Off while
 *   the modules load only: it is on again before the server is built, so nothing that runs per
 *   request starts without it (kept off until listening, the students list measured 0.92-0.95x;
 *   a function that got hot while it was off is optimized once it is back, see the test).
 *
 * Node calls changing V8 flags after start unpredictable; the test fails if a Node version stops
 * honouring these. Left alone when the user chose one of these flags.
 */
const USER_FLAG = /semi[-_]space[-_]growth[-_]factor|turbofan|(^|\s)--(no[-_])?opt(\s|$)/;
const V8_DEFAULT_GROWTH_FACTOR = 2;
let youngGenerationHeld = false;
let turbofanHeld = false;

/** At the very start of `serve`, before its modules are imported. */
export function holdStartupMemory(): void {
  if (youngGenerationHeld || turbofanHeld) return;
  if ([...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((arg) => USER_FLAG.test(arg))) return;
  setFlagsFromString('--semi-space-growth-factor=1');
  setFlagsFromString('--no-turbofan');
  youngGenerationHeld = turbofanHeld = true;
}

/** Once the modules are loaded, before the server is built: TurboFan again. */
export function startupModulesLoaded(): void {
  if (!turbofanHeld) return;
  turbofanHeld = false;
  setFlagsFromString('--turbofan');
}

/** Once listening: V8's own young-generation growth again. */
export function releaseStartupMemory(): void {
  startupModulesLoaded();
  if (!youngGenerationHeld) return;
  youngGenerationHeld = false;
  setFlagsFromString(`--semi-space-growth-factor=${V8_DEFAULT_GROWTH_FACTOR}`);
}
