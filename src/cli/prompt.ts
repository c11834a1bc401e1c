import { createInterface, type Interface } from 'node:readline';

let lines: Interface | null = null;
const waiting: ((line: string | null) => void)[] = [];
const buffered: string[] = [];
let ended = false;

/** Next line of a piped stdin (tests, scripts), or null at its end. */
function nextPipedLine(): Promise<string | null> {
  if (!lines) {
    lines = createInterface({ input: process.stdin, terminal: false });
    lines.on('line', (line) => (waiting.shift() ?? ((l: string | null) => buffered.push(l ?? '')))(line));
    lines.on('close', () => {
      ended = true;
      for (const resolve of waiting.splice(0)) resolve(null);
    });
  }
  if (buffered.length > 0) return Promise.resolve(buffered.shift()!);
  if (ended) return Promise.resolve(null);
  return new Promise((resolve) => waiting.push(resolve));
}

/** Asks for a secret; on a terminal nothing typed is echoed. Null when input ends. */
export async function askHidden(question: string): Promise<string | null> {
  process.stderr.write(question);
  if (!process.stdin.isTTY) {
    // Nothing typed is echoed from a pipe, so end the prompt's line as getpass does.
    const line = await nextPipedLine();
    process.stderr.write('\n');
    return line;
  }
  return new Promise((resolve) => {
    let typed = '';
    const stdin = process.stdin;
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          finish(ch === '\u0004' && typed === '' ? null : typed);
          return;
        }
        if (ch === '\u0003') {
          finish(null);
          return;
        }
        typed = ch === '\u007f' || ch === '\b' ? typed.slice(0, -1) : typed + ch;
      }
    };
    const finish = (value: string | null) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      resolve(value);
    };
    stdin.on('data', onData);
  });
}

/** Closes the piped reader so the process can exit. */
export function closePrompts(): void {
  lines?.close();
}
