import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseEpochSeconds } from '../../src/engine/data/columnBuilders.js';
import { CsvStreamParser } from '../../src/engine/data/csvStream.js';
import { CsvSyntaxError } from '../../src/engine/data/importErrors.js';
import { StringDictionary } from '../../src/engine/data/stringDictionary.js';

interface ParsedRecord {
  readonly line: number;
  readonly fields: string[];
}

/** Parses `input` fed in pieces of `pieceBytes` bytes (cutting anywhere, even inside a character). */
function parse(input: string | Buffer, pieceBytes = 1 << 20, maxRecordBytes?: number): ParsedRecord[] {
  const records: ParsedRecord[] = [];
  const parser = new CsvStreamParser(
    (fields, count, line) => records.push({ line, fields: fields.slice(0, count) }),
    maxRecordBytes,
  );
  const bytes = typeof input === 'string' ? Buffer.from(input) : input;
  for (let at = 0; at < bytes.length; at += pieceBytes) parser.push(bytes.subarray(at, at + pieceBytes));
  parser.end();
  return records;
}

function syntaxError(input: string | Buffer, maxRecordBytes?: number): CsvSyntaxError {
  try {
    parse(input, 7, maxRecordBytes);
  } catch (error) {
    if (error instanceof CsvSyntaxError) return error;
    throw error;
  }
  assert.fail('expected a CSV syntax error');
}

test('quoted fields keep commas, line breaks and doubled quotes; records start on the right line', () => {
  const input = 'A,B,C\n1,"x, y",2\n3,"line one\nline two",4\n5,"say ""hi""",6\n';
  for (const piece of [1, 2, 3, 5, 1 << 20]) {
    assert.deepEqual(
      parse(input, piece),
      [
        { line: 1, fields: ['A', 'B', 'C'] },
        { line: 2, fields: ['1', 'x, y', '2'] },
        { line: 3, fields: ['3', 'line one\nline two', '4'] },
        { line: 5, fields: ['5', 'say "hi"', '6'] },
      ],
      `pieces of ${piece} bytes`,
    );
  }
});

test('CRLF line ends, a UTF-8 byte order mark, blank lines and a missing final line break are handled', () => {
  const input = Buffer.concat([
    Buffer.from([0xef, 0xbb, 0xbf]),
    Buffer.from('A,B\r\n1,"q"\r\n\r\n2,é€𝄞\r\n3,'),
  ]);
  for (const piece of [1, 2, 4, 1 << 20]) {
    assert.deepEqual(
      parse(input, piece),
      [
        { line: 1, fields: ['A', 'B'] },
        { line: 2, fields: ['1', 'q'] },
        { line: 4, fields: ['2', 'é€𝄞'] },
        { line: 5, fields: ['3', ''] },
      ],
      `pieces of ${piece} bytes`,
    );
  }
});

test('an unbalanced quote fails at the line where the quoted field starts', () => {
  const error = syntaxError('A,B\n1,2\n3,"open\n4,5\n');
  assert.equal(error.line, 3);
  assert.match(error.detail, /never closed/);
});

test('a quote inside an unquoted field, or text after a closing quote, is a syntax error', () => {
  assert.match(syntaxError('A,B\n1,ab"c\n').detail, /double quote inside an unquoted field/);
  const after = syntaxError('A,B\n1,"ab"c\n');
  assert.equal(after.line, 2);
  assert.match(after.detail, /after a closing double quote/);
});

test('invalid UTF-8 is reported with its line, even when it arrives split across pieces', () => {
  const input = Buffer.concat([
    Buffer.from('A,B\n1,ok\n2,'),
    Buffer.from([0xc3, 0x28]),
    Buffer.from('\n3,x\n'),
  ]);
  for (const piece of [1, 3, 1 << 20]) {
    try {
      parse(input, piece);
      assert.fail('expected invalid UTF-8 to fail');
    } catch (error) {
      assert.ok(error instanceof CsvSyntaxError);
      assert.equal(error.line, 3);
      assert.match(error.detail, /invalid UTF-8 near byte 3 of the line/);
    }
  }
});

test('a line longer than the cap fails without holding more than the cap', () => {
  const longLine = `A\n${'x'.repeat(5000)}\n`;
  const error = syntaxError(longLine, 1024);
  assert.equal(error.line, 2);
  assert.match(error.detail, /longer than 1024/);
  // An unclosed quote that runs on over many lines is capped the same way.
  assert.match(syntaxError(`A\n"${'y\n'.repeat(2000)}`, 1024).detail, /longer than 1024|never closed/);
});

test('epoch-second timestamps: digits only, not negative, not milliseconds', () => {
  assert.equal(parseEpochSeconds('1700000000'), 1700000000);
  assert.equal(parseEpochSeconds('0'), 0);
  assert.match(String(parseEpochSeconds('-5')), /non-negative/);
  assert.match(String(parseEpochSeconds('1700000000000')), /13 digits look like milliseconds/);
  assert.match(String(parseEpochSeconds('17e8')), /integer of epoch seconds/);
  assert.match(String(parseEpochSeconds('1.5')), /integer of epoch seconds/);
});

test('the string dictionary gives dense codes in first-seen order and survives growth', () => {
  const dictionary = new StringDictionary(['seed']);
  assert.equal(dictionary.codeOf('seed'), 0);
  const codes = Array.from({ length: 5000 }, (_, i) => dictionary.codeOf(`v${i % 2500}`));
  assert.equal(dictionary.size, 2501);
  assert.equal(codes[0], 1);
  assert.equal(codes[2500], 1);
  assert.equal(dictionary.values[2500], 'v2499');
  assert.equal(dictionary.codeOf('v2499'), 2500);
});
