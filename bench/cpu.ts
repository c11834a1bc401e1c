import { readFileSync } from 'node:fs';
import { children } from './memory.js';

/** Clock ticks a second in /proc/PID/stat (USER_HZ, 100 on Linux everywhere in practice). */
const TICKS_PER_SECOND = 100;

function ticks(pid: number): number {
  try {
    // Fields after the command name (which may hold spaces, so split after its closing paren).
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return Number(fields[11]) + Number(fields[12]); // utime + stime
  } catch {
    return 0;
  }
}

/** CPU seconds (user + system, every thread) used so far by `pid` and the processes under it. */
export function treeCpuSeconds(pid: number): number {
  let total = 0;
  const queue = [pid];
  while (queue.length > 0) {
    const next = queue.shift()!;
    total += ticks(next);
    queue.push(...children(next));
  }
  return total / TICKS_PER_SECOND;
}
