// Where the documents of a cassette file are, found in its bytes as they stream past: a loaded cassette
// keeps byte ranges and keys, not the file's text (a 10,000-entry file is ~12 MB of YAML; its index is
// a few hundred kB). Splits exactly where format.ts's document separator does on the decoded text — a
// line `---[ \t]*` ending at a line break or the end, where a line starts at the beginning, after \n,
// \r, U+2028 or U+2029 (the line terminators of a JavaScript /m regex) — and reads the key an entry
// declares on its first line (`key: sha256:…`). Nothing is decoded; bytes of any block size can be fed.

/** One YAML document of the file: bytes [start, end). */
export interface DocumentRange {
  start: number;
  end: number;
  /** The key its first line declares (format.ts `declaredKey`), if it has one. */
  key: string | undefined;
  /**
   * Whether it is blank (the splitter drops blank documents): true for ASCII whitespace only, false
   * with any other ASCII character, undefined when only non-ASCII bytes could make it non-blank (the
   * caller decodes it and trims).
   */
  blank: boolean | undefined;
}

const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;
const DASH = 0x2d;
/** U+2028 and U+2029 in UTF-8: E2 80 A8 / E2 80 A9. */
const LS_1 = 0xe2;
const LS_2 = 0x80;
const DASHES = Buffer.from("---");

const KEY_HEAD = Buffer.from("key: sha256:");
/** Where the key itself ("sha256:…") starts. */
const KEY_START = "key: ".length;
const HEX_DIGITS = 64;
/** "key: sha256:" + 64 hex digits + "\r\n". */
const PREFIX = KEY_HEAD.length + HEX_DIGITS + 2;

/** Separator candidate states: dashes seen at a line start, then the tail, then a line break's first bytes. */
const NONE = 0;
const DASH_1 = 1;
const DASH_2 = 2;
const TAIL = 3;
const TAIL_CR = 4;
const TAIL_E2 = 5;
const TAIL_E2_80 = 6;

function isHexDigit(byte: number): boolean {
  return (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66);
}

/** ASCII bytes String.prototype.trim removes. */
function isAsciiSpace(byte: number): boolean {
  return byte === SPACE || (byte >= TAB && byte <= CR);
}

/** Called with each document as soon as its end is known, the header first. */
export type DocumentSink = (document: DocumentRange) => void;

export class DocumentScanner {
  readonly #sink: DocumentSink;
  /** Offset of the next byte. */
  #pos = 0;
  /** The three bytes before #pos (-1 before the start): enough to tell a line start. */
  #p1 = -1;
  #p2 = -1;
  #p3 = -1;
  #start = 0;
  /** The current document has an ASCII byte that is not whitespace / a byte >= 0x80. */
  #content = false;
  #high = false;
  /** Its first PREFIX bytes, for the key; #prefixLength = PREFIX + 1 when it cannot declare one. */
  readonly #prefix = Buffer.alloc(PREFIX);
  #prefixLength = 0;
  #state = NONE;
  /** Where the separator candidate starts, and where its line break starts. */
  #candidate = 0;
  #breakAt = 0;
  /** The document's flags before the candidate's bytes (restored when the candidate is a separator). */
  #savedContent = false;
  #savedHigh = false;

  constructor(sink: DocumentSink) {
    this.#sink = sink;
  }

  /** Feed the file's next bytes. */
  push(bytes: Uint8Array): void {
    const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
    const n = buffer.length;
    let i = 0;
    while (i < n) {
      if (this.#state === NONE && this.#content && this.#prefixLength >= PREFIX) {
        // The document is known not blank and its key line is read: nothing can change until a "---",
        // so skip to the next one (the last two bytes go byte by byte, in case one straddles blocks).
        const found = buffer.indexOf(DASHES, i);
        const to = found === -1 ? Math.max(i, n - 2) : found;
        if (to > i) {
          this.#skip(buffer, i, to);
          i = to;
          if (i >= n) break;
        }
      }
      this.#step(buffer[i] as number);
      i++;
    }
  }

  /** The end of the file: the last document (call once, after the last bytes). */
  finish(): void {
    switch (this.#state) {
      case TAIL:
        // `$` at the end of the input: a separator, followed by an empty document.
        this.#separator(this.#pos);
        break;
      case TAIL_CR:
        // `$` before the \r: the \r is the next document.
        this.#separator(this.#breakAt, true);
        break;
      default:
        break;
    }
    this.#end(this.#pos, this.#content, this.#high);
  }

  #skip(buffer: Buffer, from: number, to: number): void {
    if (to - from >= 3) {
      this.#p1 = buffer[to - 1] as number;
      this.#p2 = buffer[to - 2] as number;
      this.#p3 = buffer[to - 3] as number;
    } else {
      for (let k = from; k < to; k++) {
        this.#p3 = this.#p2;
        this.#p2 = this.#p1;
        this.#p1 = buffer[k] as number;
      }
    }
    this.#pos += to - from;
  }

  #atLineStart(): boolean {
    const p1 = this.#p1;
    return (
      this.#pos === 0 ||
      p1 === LF ||
      p1 === CR ||
      ((p1 === 0xa8 || p1 === 0xa9) && this.#p2 === LS_2 && this.#p3 === LS_1)
    );
  }

  #step(byte: number): void {
    if (this.#state !== NONE && this.#candidateStep(byte)) {
      this.#advance(byte);
      return;
    }
    if (byte === DASH && this.#atLineStart()) {
      this.#state = DASH_1;
      this.#candidate = this.#pos;
      this.#savedContent = this.#content;
      this.#savedHigh = this.#high;
    }
    this.#take(byte);
    this.#advance(byte);
  }

  /** One byte of a separator candidate; true when it is used up (not to be read as document text). */
  #candidateStep(byte: number): boolean {
    switch (this.#state) {
      case DASH_1:
      case DASH_2:
        if (byte !== DASH) break;
        this.#state++;
        this.#take(byte);
        return true;
      case TAIL:
        if (byte === SPACE || byte === TAB) {
          this.#take(byte);
          return true;
        }
        if (byte === LF) {
          this.#separator(this.#pos + 1);
          return true;
        }
        if (byte === CR || byte === LS_1) {
          this.#state = byte === CR ? TAIL_CR : TAIL_E2;
          this.#breakAt = this.#pos;
          this.#take(byte);
          return true;
        }
        break;
      case TAIL_CR:
        if (byte === LF) {
          this.#separator(this.#pos + 1);
          return true;
        }
        // `$` matched before the \r, which starts the next document; this byte is read as its text.
        this.#separator(this.#breakAt, true);
        return false;
      case TAIL_E2:
        if (byte !== LS_2) break;
        this.#state = TAIL_E2_80;
        this.#take(byte);
        return true;
      case TAIL_E2_80:
        if (byte !== 0xa8 && byte !== 0xa9) break;
        // `$` matched before U+2028/U+2029, which starts the next document.
        this.#separator(this.#breakAt, true);
        this.#take(byte);
        return true;
    }
    // Not a separator after all: its bytes were document text, and so is this one.
    this.#state = NONE;
    return false;
  }

  #advance(byte: number): void {
    this.#p3 = this.#p2;
    this.#p2 = this.#p1;
    this.#p1 = byte;
    this.#pos++;
  }

  /** A byte of the current document's text. */
  #take(byte: number): void {
    if (byte >= 0x80) this.#high = true;
    else if (!isAsciiSpace(byte)) this.#content = true;
    if (this.#prefixLength < PREFIX) this.#prefix[this.#prefixLength++] = byte;
  }

  /**
   * The candidate is a separator: the current document ends where it starts, and the next one starts at
   * `next`. `carried`: the next document starts with the separator's line break (a \r, U+2028 or
   * U+2029 the `$` stopped before), already read: such a document declares no key.
   */
  #separator(next: number, carried = false): void {
    this.#end(this.#candidate, this.#savedContent, this.#savedHigh);
    this.#state = NONE;
    this.#start = next;
    this.#content = false;
    this.#high = false;
    this.#prefixLength = carried ? PREFIX + 1 : 0;
  }

  #end(end: number, content: boolean, high: boolean): void {
    const start = this.#start;
    this.#sink({
      start,
      end,
      key: this.#key(end - start),
      blank: content ? false : high ? undefined : true,
    });
  }

  /** format.ts KEY_LINE (`^key: (sha256:[0-9a-f]{64})\r?\n`) on the document's first bytes. */
  #key(length: number): string | undefined {
    const prefix = this.#prefix;
    const have = Math.min(this.#prefixLength, length);
    const digitsEnd = KEY_HEAD.length + HEX_DIGITS;
    if (this.#prefixLength > PREFIX || have < digitsEnd + 1) return undefined;
    for (let k = 0; k < KEY_HEAD.length; k++) if (prefix[k] !== KEY_HEAD[k]) return undefined;
    for (let k = KEY_HEAD.length; k < digitsEnd; k++) if (!isHexDigit(prefix[k] as number)) return undefined;
    const after = prefix[digitsEnd];
    if (after !== LF && !(after === CR && have > digitsEnd + 1 && prefix[digitsEnd + 1] === LF))
      return undefined;
    // A fresh string (latin1 of ASCII bytes), not a slice of anything larger.
    return prefix.toString("latin1", KEY_START, digitsEnd);
  }
}

/** The documents of a whole file held in memory (the CLI's one-shot reads, and tests). */
export function scanDocuments(bytes: Uint8Array): DocumentRange[] {
  const documents: DocumentRange[] = [];
  const scanner = new DocumentScanner((document) => documents.push(document));
  scanner.push(bytes);
  scanner.finish();
  return documents;
}
