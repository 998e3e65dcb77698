import { isUtf8 } from 'node:buffer';
import { CsvParser, type CsvRecordHandler } from './csvParser.js';
import { CsvSyntaxError } from './importErrors.js';

/** Far above any valid record (the longest field the service takes is 20,000 characters). */
export const DEFAULT_MAX_RECORD_BYTES = 1024 * 1024;

const LF = 10;

/**
 * Turns a stream of bytes into CSV records: strips a UTF-8 byte order mark, rejects invalid UTF-8
 * with the line it is on, and cuts the input at line breaks so that no multi-byte character is split
 * and only the unfinished tail of the stream is ever held (at most `maxRecordBytes` of it).
 */
export class CsvStreamParser {
  private readonly parser: CsvParser;
  private pending: Buffer | undefined;
  private started = false;

  constructor(
    onRecord: CsvRecordHandler,
    private readonly maxRecordBytes = DEFAULT_MAX_RECORD_BYTES,
  ) {
    this.parser = new CsvParser(onRecord, maxRecordBytes);
  }

  push(chunk: Buffer): void {
    if (!this.started) {
      const head = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
      this.pending = undefined;
      if (head.length < 3) {
        this.pending = head;
        return;
      }
      this.started = true;
      chunk = hasByteOrderMark(head) ? head.subarray(3) : head;
    }
    const firstBreak = chunk.indexOf(LF);
    if (firstBreak === -1) {
      this.pending = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
      if (this.pending.length > this.maxRecordBytes) this.lineTooLong();
      return;
    }
    let start = 0;
    if (this.pending) {
      const joined = Buffer.concat([this.pending, chunk.subarray(0, firstBreak + 1)]);
      this.pending = undefined;
      this.decode(joined, false);
      start = firstBreak + 1;
    }
    const lastBreak = chunk.lastIndexOf(LF);
    if (lastBreak >= start) this.decode(chunk.subarray(start, lastBreak + 1), false);
    if (lastBreak + 1 < chunk.length) this.pending = chunk.subarray(lastBreak + 1);
  }

  end(): void {
    let rest = this.pending ?? Buffer.alloc(0);
    this.pending = undefined;
    if (!this.started && hasByteOrderMark(rest)) rest = rest.subarray(3);
    this.started = true;
    this.decode(rest, true);
  }

  private decode(bytes: Buffer, final: boolean): void {
    if (!isUtf8(bytes)) this.rejectInvalidUtf8(bytes, final);
    this.parser.feed(bytes.toString('utf8'), final);
  }

  /** Hands over the valid lines before the bad one (they may hold an earlier error), then fails. */
  private rejectInvalidUtf8(bytes: Buffer, final: boolean): never {
    let lineStart = 0;
    for (;;) {
      const lineBreak = bytes.indexOf(LF, lineStart);
      const lineEnd = lineBreak === -1 ? bytes.length : lineBreak + 1;
      const line = bytes.subarray(lineStart, lineEnd);
      if (!isUtf8(line)) {
        this.parser.feed(bytes.subarray(0, lineStart).toString('utf8'), false);
        throw new CsvSyntaxError(
          this.parser.line,
          `invalid UTF-8 near byte ${firstInvalidByte(line) + 1} of the line; save the file with UTF-8 encoding`,
        );
      }
      if (lineBreak === -1) break;
      lineStart = lineEnd;
    }
    // isUtf8 failed on the whole but on no single line: cannot happen, since LF never occurs inside a
    // multi-byte sequence; fail safe rather than import mangled text.
    throw new CsvSyntaxError(this.parser.line, `invalid UTF-8${final ? ' at the end of the file' : ''}`);
  }

  private lineTooLong(): never {
    throw new CsvSyntaxError(
      this.parser.line,
      `the line is longer than ${this.maxRecordBytes} bytes; no valid record is that long (the service's longest field is 20,000 characters)`,
    );
  }
}

function hasByteOrderMark(bytes: Buffer): boolean {
  return bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
}

/** Where a line stops being UTF-8, by the lengths its lead bytes announce (good enough to point at). */
function firstInvalidByte(line: Buffer): number {
  let i = 0;
  while (i < line.length) {
    const lead = line[i] ?? 0;
    const extra =
      lead < 0x80
        ? 0
        : lead >= 0xc2 && lead <= 0xdf
          ? 1
          : lead >= 0xe0 && lead <= 0xef
            ? 2
            : lead >= 0xf0 && lead <= 0xf4
              ? 3
              : -1;
    if (extra < 0) return i;
    for (let k = 1; k <= extra; k++) {
      const next = line[i + k];
      if (next === undefined || next < 0x80 || next > 0xbf) return i;
    }
    i += extra + 1;
  }
  return i;
}
