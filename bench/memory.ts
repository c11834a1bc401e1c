import { readFileSync } from 'node:fs';

/** Resident memory of one process and the processes under it (cluster or gunicorn workers), in MB. */
export interface TreeMemory {
  /** The largest resident set among the processes now. */
  rssMb: number;
  /** The largest resident-set high-water mark among them (Linux VmHWM). */
  peakMb: number;
  /** All of them together, now. */
  totalMb: number;
  processes: number;
}

/** The processes `pid` started (cluster or gunicorn workers). */
export function children(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function status(pid: number): { rss: number; hwm: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(text)?.[1] ?? 0) / 1024;
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
  } catch {
    return null;
  }
}

/** Reads /proc for `pid` and its descendants. */
export function treeMemory(pid: number): TreeMemory {
  const result: TreeMemory = { rssMb: 0, peakMb: 0, totalMb: 0, processes: 0 };
  const queue = [pid];
  while (queue.length > 0) {
    const next = queue.shift()!;
    const s = status(next);
    if (s) {
      result.rssMb = Math.max(result.rssMb, s.rss);
      result.peakMb = Math.max(result.peakMb, s.hwm);
      result.totalMb += s.rss;
      result.processes++;
    }
    queue.push(...children(next));
  }
  return result;
}

/** Runs `work` while sampling the tree's memory every 200 ms; answers its result and the largest per-process RSS seen. */
export async function sampledPeak<T>(pid: number, work: () => Promise<T>): Promise<{ result: T; peakRssMb: number }> {
  let peak = treeMemory(pid).rssMb;
  const timer = setInterval(() => (peak = Math.max(peak, treeMemory(pid).rssMb)), 200);
  try {
    const result = await work();
    peak = Math.max(peak, treeMemory(pid).rssMb);
    return { result, peakRssMb: Math.round(peak) };
  } finally {
    clearInterval(timer);
  }
}
