/**
 * Why Python's `json.loads` (as DRF's JSONParser calls it, strict about NaN and Infinity) refuses
 * a text, in Python's words: DRF answers `JSON parse error - <this>`. Framework-free, so every
 * adapter words its parse errors alike. Only called once `JSON.parse` has failed, so the hot path
 * keeps V8's parser; this scanner only finds where and why, as CPython's `_json` scanner does.
 */

/** Python's message for a JSON text it refuses, e.g. `Expecting value: line 1 column 1 (char 0)`; null if Python accepts it. */
export function pythonJsonError(text: string): string | null {
  // json.loads refuses a BOM before anything else.
  if (text.startsWith('\ufeff')) return located('Unexpected UTF-8 BOM (decode using utf-8-sig)', text, 0);
  try {
    const end = skipWhitespace(text, new Scanner(text).value(skipWhitespace(text, 0)));
    return end === text.length ? null : located('Extra data', text, end);
  } catch (error) {
    if (error instanceof Refusal) return error.position === null ? error.reason : located(error.reason, text, error.position);
    throw error;
  }
}

/** A refusal at a UTF-16 index of the text (null: Python's message has no position). */
class Refusal {
  constructor(readonly reason: string, readonly position: number | null) {}
}

/** DRF's `strict_constant`: Python reads these, DRF refuses them. */
const CONSTANTS = ['NaN', 'Infinity', '-Infinity'];
const LITERALS = ['null', 'true', 'false'];

/**
 * CPython's scanner (`Modules/_json.c`, Python 3.11 and 3.12), iterative so that a deeply nested
 * text cannot overflow the stack: `value(i)` returns the index after the value starting at `i`.
 */
class Scanner {
  constructor(private readonly text: string) {}

  value(start: number): number {
    const { text } = this;
    // What is open: ']' for an array, '}' for an object.
    const open: string[] = [];
    let i = start;
    for (;;) {
      // Scan one value at i; containers push and continue with their first member.
      let end: number;
      const c = text[i];
      if (i >= text.length) throw new Refusal('Expecting value', i);
      if (c === '"') {
        end = this.string(i + 1);
      } else if (c === '[') {
        const next = skipWhitespace(text, i + 1);
        if (text[next] !== ']') {
          open.push(']');
          i = next;
          continue;
        }
        end = next + 1;
      } else if (c === '{') {
        const next = skipWhitespace(text, i + 1);
        if (text[next] !== '}') {
          open.push('}');
          i = this.key(next);
          continue;
        }
        end = next + 1;
      } else {
        end = this.scalar(i);
      }
      // Close or continue the containers the value is in.
      for (;;) {
        const closer = open[open.length - 1];
        if (closer === undefined) return end;
        const next = skipWhitespace(text, end);
        if (text[next] === closer) {
          open.pop();
          end = next + 1;
          continue;
        }
        if (text[next] !== ',') throw new Refusal("Expecting ',' delimiter", next);
        const member = skipWhitespace(text, next + 1);
        i = closer === '}' ? this.key(member) : member;
        break;
      }
    }
  }

  /** An object member's `"key":`, returning where its value starts. */
  private key(i: number): number {
    if (this.text[i] !== '"') throw new Refusal('Expecting property name enclosed in double quotes', i);
    const colon = skipWhitespace(this.text, this.string(i + 1));
    if (this.text[colon] !== ':') throw new Refusal("Expecting ':' delimiter", colon);
    return skipWhitespace(this.text, colon + 1);
  }

  /** A string's body from just after its opening quote; returns the index after the closing one. */
  private string(from: number): number {
    const { text } = this;
    const begin = from - 1;
    let i = from;
    for (;;) {
      if (i >= text.length) throw new Refusal('Unterminated string starting at', begin);
      const c = text.charCodeAt(i);
      if (c === 0x22) return i + 1;
      if (c <= 0x1f) throw new Refusal('Invalid control character at', i);
      if (c !== 0x5c) {
        i += 1;
        continue;
      }
      const escape = text[i + 1];
      if (escape === undefined) throw new Refusal('Unterminated string starting at', begin);
      if (escape !== 'u') {
        if (!'"\\/bfnrt'.includes(escape)) throw new Refusal('Invalid \\escape', i);
        i += 2;
        continue;
      }
      // CPython wants the 4 digits and one more character (the closing quote at least).
      if (i + 6 >= text.length || !/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) throw new Refusal('Invalid \\uXXXX escape', i + 1);
      const unit = Number.parseInt(text.slice(i + 2, i + 6), 16);
      i += 6;
      // A high surrogate followed by `\u` must be followed by 4 hex digits too.
      if (unit >= 0xd800 && unit <= 0xdbff && i + 6 < text.length && text[i] === '\\' && text[i + 1] === 'u') {
        if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) throw new Refusal('Invalid \\uXXXX escape', i + 1);
        const low = Number.parseInt(text.slice(i + 2, i + 6), 16);
        if (low >= 0xdc00 && low <= 0xdfff) i += 6;
      }
    }
  }

  /** A literal, a refused constant or a number (`_match_number_unicode`). */
  private scalar(i: number): number {
    const { text } = this;
    const constant = CONSTANTS.find((word) => text.startsWith(word, i));
    if (constant) throw new Refusal(`Out of range float values are not JSON compliant: '${constant}'`, null);
    const literal = LITERALS.find((word) => text.startsWith(word, i));
    if (literal) return i + literal.length;
    let j = i;
    if (text[j] === '-') j += 1;
    if (text[j] === '0') j += 1;
    else if (isDigit(text[j])) while (isDigit(text[j])) j += 1;
    else throw new Refusal('Expecting value', i);
    if (text[j] === '.' && isDigit(text[j + 1])) {
      j += 2;
      while (isDigit(text[j])) j += 1;
    }
    if (text[j] === 'e' || text[j] === 'E') {
      let k = j + 1;
      if (text[k] === '-' || text[k] === '+') k += 1;
      const digits = k;
      while (isDigit(text[k])) k += 1;
      // `1e` and `1e+` end the number before the `e`.
      if (k > digits) j = k;
    }
    return j;
  }
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

/** Python's `_w`: JSON whitespace only. */
function skipWhitespace(text: string, i: number): number {
  while (i < text.length && ' \t\n\r'.includes(text[i]!)) i += 1;
  return i;
}

/** `JSONDecodeError`'s `msg: line L column C (char P)`, counting code points as Python's `str` does. */
function located(reason: string, text: string, index: number): string {
  const before = text.slice(0, index);
  const position = codePoints(before);
  const lastNewline = before.lastIndexOf('\n');
  const line = before.split('\n').length;
  const column = lastNewline < 0 ? position + 1 : codePoints(before.slice(lastNewline + 1)) + 1;
  return `${reason}: line ${line} column ${column} (char ${position})`;
}

/** Code points, as Python counts a `str` (a surrogate pair is one). */
function codePoints(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}
