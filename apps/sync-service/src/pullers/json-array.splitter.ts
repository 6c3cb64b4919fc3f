import { isAscii } from 'node:buffer';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const utf8 = new TextDecoder();

/**
 * Splits a JSON object arriving in chunks, `{..., "<key>": [e1, e2, ...], ...}`, into the texts of the array's
 * elements as each one completes, so a megabyte page is never held as one string. Everything outside that array
 * (a cursor, errors) is kept as a small document, `{..., "<key>": [], ...}`, for `rest()` once the body has ended.
 * It only finds boundaries; JSON.parse of each element and of the rest is what validates.
 */
export class JsonArraySplitter {
  private depth = 0;
  private inString = false;
  private escaped = false;
  private state: 'before' | 'inside' | 'after' = 'before';
  private restParts: string[] = [];
  private element: Buffer[] = [];
  private elementsSeen = 0;

  constructor(private readonly key: string) {}

  /** Feeds the next chunk; returns the elements it completed, as JSON texts. */
  push(chunk: Buffer): string[] {
    const done: string[] = [];
    let restFrom = this.state === 'inside' ? -1 : 0;
    let elementFrom = this.state === 'inside' ? 0 : -1;
    for (let i = 0; i < chunk.length; i++) {
      if (this.inString) {
        i = this.skipString(chunk, i);
        continue;
      }
      const byte = chunk[i];
      if (byte === QUOTE) this.inString = true;
      else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
        if (
          byte === OPEN_BRACKET &&
          this.depth === 1 &&
          this.state === 'before' &&
          this.keyPrecedes(chunk, restFrom, i)
        ) {
          this.restParts.push(chunk.toString('latin1', restFrom, i + 1));
          restFrom = -1;
          elementFrom = i + 1;
          this.state = 'inside';
        }
        this.depth++;
      } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
        this.depth--;
        if (this.state === 'inside' && this.depth === 1) {
          this.finishElement(chunk, elementFrom, i, done, 'last');
          elementFrom = -1;
          restFrom = i;
          this.state = 'after';
        }
      } else if (byte === COMMA && this.state === 'inside' && this.depth === 2) {
        this.finishElement(chunk, elementFrom, i, done, 'next');
        elementFrom = i + 1;
      }
    }
    if (restFrom >= 0) this.restParts.push(chunk.toString('latin1', restFrom));
    if (elementFrom >= 0) this.element.push(chunk.subarray(elementFrom));
    return done;
  }

  // Jumps to the string's closing quote (native search; a quote after an odd run of backslashes is escaped), or to
  // the chunk's end with the escape state carried over. Returns the index the scan continues after.
  private skipString(chunk: Buffer, from: number): number {
    let at = from;
    if (this.escaped) {
      this.escaped = false;
      at++;
    }
    for (let start = at; ;) {
      const quote = chunk.indexOf(QUOTE, start);
      const end = quote === -1 ? chunk.length : quote;
      let backslashes = 0;
      while (end - backslashes - 1 >= at && chunk[end - backslashes - 1] === BACKSLASH) backslashes++;
      if (quote === -1) {
        this.escaped = backslashes % 2 === 1;
        return chunk.length;
      }
      if (backslashes % 2 === 0) {
        this.inString = false;
        return quote;
      }
      start = quote + 1;
    }
  }

  /** The document without the array's elements; call after the last chunk. */
  rest(): string {
    const bytes = Buffer.from(this.restParts.join(''), 'latin1');
    return decode(bytes);
  }

  // `[` at depth 1 opens the wanted array when the rest so far ends with `"<key>":`.
  private keyPrecedes(chunk: Buffer, restFrom: number, at: number): boolean {
    const tail = (this.restParts.join('') + chunk.toString('latin1', restFrom, at)).slice(-(this.key.length + 64));
    const match = /"([^"\\]*)"\s*:\s*$/.exec(tail);
    return match?.[1] === this.key;
  }

  // Before a comma there must be an element; before `]` whitespace alone is an empty array. JSON.parse judges the rest.
  private finishElement(chunk: Buffer, from: number, to: number, done: string[], at: 'next' | 'last'): void {
    this.element.push(chunk.subarray(from, to));
    const bytes = this.element.length === 1 ? this.element[0]! : Buffer.concat(this.element);
    this.element = [];
    const text = decode(bytes);
    if (at === 'next' || this.elementsSeen > 0 || text.trim() !== '') {
      done.push(text);
      this.elementsSeen++;
    }
  }
}

// Provider JSON is nearly always ASCII, and a latin1 decode of it costs a fraction of a UTF-8 one.
function decode(bytes: Buffer): string {
  return isAscii(bytes) ? bytes.toString('latin1') : utf8.decode(bytes);
}
