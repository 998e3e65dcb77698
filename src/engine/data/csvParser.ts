import { CsvSyntaxError } from './importErrors.js';

/**
 * Receives each record: `fields[0..count)` are its values (the array is reused, copy what you keep)
 * and `line` is the physical line the record starts on (1-based).
 */
export type CsvRecordHandler = (fields: string[], count: number, line: number) => void;

const COMMA = 44;
const CR = 13;
const LF = 10;
const QUOTE = 34;

/**
 * RFC 4180 CSV over text that arrives in pieces, each ending at a line break (see `CsvStreamParser`).
 * Hand-written because the common libraries (csv-parse and friends) run far below the one million
 * rows a second the import must reach: lines without a quote take a fast path of `indexOf` and
 * `slice`, which V8 turns into cheap string views; only lines with a quote walk the text character
 * by character. Blank lines are skipped (but counted).
 */
export class CsvParser {
  private leftover = '';
  private nextLine = 1;
  private readonly fields: string[] = [];

  constructor(
    private readonly onRecord: CsvRecordHandler,
    /** A record (even an unfinished quoted one) longer than this fails instead of growing without bound. */
    private readonly maxRecordChars: number,
  ) {}

  /** The line the next unconsumed character is on; used to place errors found outside the parser. */
  get line(): number {
    return this.nextLine + countLineBreaks(this.leftover, 0, this.leftover.length);
  }

  /** Feeds text that ends at a line break, or the rest of the input when `final`. */
  feed(text: string, final: boolean): void {
    const s = this.leftover.length > 0 ? this.leftover + text : text;
    this.leftover = '';
    const length = s.length;
    let pos = 0;
    while (pos < length) {
      let lineBreak = s.indexOf('\n', pos);
      if (lineBreak === -1) {
        if (!final) {
          this.keepUnfinished(s, pos);
          return;
        }
        lineBreak = length;
      }
      let end = lineBreak;
      if (end > pos && s.charCodeAt(end - 1) === CR) end--;
      if (end === pos) {
        this.nextLine++;
        pos = lineBreak + 1;
        continue;
      }
      if (end - pos > this.maxRecordChars) this.tooLong(this.nextLine);
      if (this.splitPlainLine(s, pos, end)) {
        this.nextLine++;
        pos = lineBreak + 1;
        continue;
      }
      const next = this.parseQuotedRecord(s, pos, final);
      if (next === -1) {
        this.keepUnfinished(s, pos);
        return;
      }
      pos = next;
    }
  }

  /**
   * The fast path: a line without quotes, split at commas. Kept as a small function called per line
   * (rather than a loop inside `feed`) because V8 then optimizes it reliably; a long loop in one call
   * was seen to run 50 times slower on a loaded machine while waiting for on-stack replacement.
   * Returns false, having consumed nothing, when the line has a quote.
   */
  private splitPlainLine(s: string, start: number, end: number): boolean {
    const fields = this.fields;
    let count = 0;
    let from = start;
    for (let i = start; i < end; i++) {
      const c = s.charCodeAt(i);
      if (c === COMMA) {
        fields[count++] = s.slice(from, i);
        from = i + 1;
      } else if (c === QUOTE) {
        return false;
      }
    }
    fields[count++] = s.slice(from, end);
    this.onRecord(fields, count, this.nextLine);
    return true;
  }

  /**
   * Parses one record that has a quote somewhere; returns the position after it, or -1 when the text
   * ends inside it and more input may follow.
   */
  private parseQuotedRecord(s: string, from: number, final: boolean): number {
    const fields = this.fields;
    const line = this.nextLine;
    const length = s.length;
    let count = 0;
    let pos = from;
    for (;;) {
      let value: string;
      if (s.charCodeAt(pos) === QUOTE) {
        value = '';
        let segment = pos + 1;
        for (;;) {
          const close = s.indexOf('"', segment);
          if (close === -1) {
            if (final) {
              throw new CsvSyntaxError(
                line,
                'a quoted field is never closed (unbalanced double quote); close it with " and write a quote inside a field as ""',
              );
            }
            return -1;
          }
          if (close + 1 < length && s.charCodeAt(close + 1) === QUOTE) {
            value += s.slice(segment, close + 1);
            segment = close + 2;
            continue;
          }
          if (close + 1 >= length && !final) return -1;
          value += s.slice(segment, close);
          pos = close + 1;
          break;
        }
        const after = pos < length ? s.charCodeAt(pos) : -1;
        const crlf = after === CR && pos + 1 < length && s.charCodeAt(pos + 1) === LF;
        if (after !== -1 && after !== COMMA && after !== LF && !crlf) {
          throw new CsvSyntaxError(
            line + countLineBreaks(s, from, pos),
            `unexpected character '${s[pos]}' after a closing double quote; a quoted field must end at a comma or line end`,
          );
        }
      } else {
        let end = pos;
        while (end < length) {
          const c = s.charCodeAt(end);
          if (c === COMMA || c === LF) break;
          if (c === QUOTE) {
            throw new CsvSyntaxError(
              line,
              'a double quote inside an unquoted field; enclose the field in double quotes and write the quote as ""',
            );
          }
          end++;
        }
        if (end === length && !final) return -1;
        const atLineEnd = end === length || s.charCodeAt(end) === LF;
        value = s.slice(pos, atLineEnd && end > pos && s.charCodeAt(end - 1) === CR ? end - 1 : end);
        pos = end;
      }
      if (pos - from > this.maxRecordChars) this.tooLong(line);
      fields[count++] = value;
      if (pos >= length) break;
      const c = s.charCodeAt(pos);
      if (c === COMMA) {
        pos++;
        continue;
      }
      pos += c === CR ? 2 : 1;
      break;
    }
    this.nextLine += countLineBreaks(s, from, Math.min(pos, length));
    if (pos >= length && s.charCodeAt(length - 1) !== LF) this.nextLine++;
    this.onRecord(fields, count, line);
    return pos;
  }

  private keepUnfinished(s: string, pos: number): void {
    if (s.length - pos > this.maxRecordChars) this.tooLong(this.nextLine);
    this.leftover = s.slice(pos);
  }

  private tooLong(line: number): never {
    throw new CsvSyntaxError(
      line,
      `the record is longer than ${this.maxRecordChars} characters (a missing closing quote, or a value far beyond the service's field limits)`,
    );
  }
}

function countLineBreaks(s: string, from: number, to: number): number {
  let count = 0;
  for (let i = s.indexOf('\n', from); i !== -1 && i < to; i = s.indexOf('\n', i + 1)) count++;
  return count;
}
