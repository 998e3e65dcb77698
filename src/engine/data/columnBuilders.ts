import { FieldValueError } from './importErrors.js';
import { StringDictionary } from './stringDictionary.js';
import type { SchemaField } from './schemaFields.js';

/** One column's rows since the last chunk, ready to store: typed-array bytes plus new dictionary entries. */
export interface ColumnChunk {
  readonly rows: number;
  readonly data: Buffer;
  /** String columns: values first seen in this chunk, in code order; the dictionary is their concatenation. */
  readonly dictionaryDelta: readonly string[] | null;
}

export type ColumnKind = 'string' | 'number';

/**
 * Checks each CSV value against its schema field and encodes it: strings by dictionary code (null
 * is -1), everything else as a double (null is NaN, booleans 0/1). Values arrive as raw CSV text;
 * the empty string means "no value".
 */
export interface ColumnBuilder {
  readonly name: string;
  readonly kind: ColumnKind;
  /** String columns: how many distinct values the dictionary holds; number columns: 0. */
  readonly distinctValues: number;
  append(value: string): void;
  takeChunk(): ColumnChunk;
}

/** The service's length limits, in characters. */
export const ID_MAX_CHARS = 256;
export const CATEGORICAL_MAX_CHARS = 1000;
export const TEXTUAL_MAX_CHARS = 20_000;
/** Not documented for plain metadata strings; the engine applies the categorical limit to them. */
export const STRING_MAX_CHARS = 1000;

/** A timestamp of 11 or more digits is past the year 2286 in seconds: almost surely milliseconds. */
const MAX_EPOCH_SECONDS_DIGITS = 10;
const TIMESTAMP_FIELDS = new Set(['TIMESTAMP', 'CREATION_TIMESTAMP', 'EXPIRATION_TIMESTAMP']);
const ID_FIELDS = new Set(['USER_ID', 'ITEM_ID', 'ACTION_ID']);

export function columnKindOf(field: SchemaField): ColumnKind {
  return field.type === 'string' ? 'string' : 'number';
}

export function createColumnBuilder(
  field: SchemaField,
  capacity: number,
  dictionary: readonly string[] = [],
): ColumnBuilder {
  if (field.type === 'string') return new StringColumnBuilder(field, maxCharsOf(field), capacity, dictionary);
  if (field.type === 'boolean') return new NumberColumnBuilder(field, capacity, parseBoolean);
  if (field.type === 'float' || field.type === 'double')
    return new NumberColumnBuilder(field, capacity, parseDecimal);
  if (TIMESTAMP_FIELDS.has(field.name)) return new NumberColumnBuilder(field, capacity, parseEpochSeconds);
  return new NumberColumnBuilder(field, capacity, field.type === 'int' ? parseInt32 : parseLong);
}

function maxCharsOf(field: SchemaField): number {
  if (ID_FIELDS.has(field.name) || field.name === 'EVENT_TYPE') return ID_MAX_CHARS;
  if (field.textual) return TEXTUAL_MAX_CHARS;
  return field.categorical ? CATEGORICAL_MAX_CHARS : STRING_MAX_CHARS;
}

class StringColumnBuilder implements ColumnBuilder {
  readonly kind = 'string';
  readonly name: string;
  private readonly codes: Int32Array;
  private readonly dictionary: StringDictionary;
  private flushedEntries: number;
  private rows = 0;

  constructor(
    private readonly field: SchemaField,
    private readonly maxChars: number,
    capacity: number,
    dictionary: readonly string[],
  ) {
    this.name = field.name;
    this.codes = new Int32Array(capacity);
    this.dictionary = new StringDictionary(dictionary);
    this.flushedEntries = dictionary.length;
  }

  get distinctValues(): number {
    return this.dictionary.size;
  }

  append(value: string): void {
    if (value.length === 0) {
      if (!this.field.nullable) throw notNullable(this.field);
      this.codes[this.rows++] = -1;
      return;
    }
    const known = this.dictionary.size;
    const code = this.dictionary.codeOf(value);
    if (code === known && value.length > this.maxChars) {
      throw new FieldValueError(this.name, `at most ${this.maxChars} characters`, value);
    }
    this.codes[this.rows++] = code;
  }

  takeChunk(): ColumnChunk {
    const chunk = {
      rows: this.rows,
      data: Buffer.from(this.codes.buffer, 0, this.rows * 4),
      dictionaryDelta: this.dictionary.values.slice(this.flushedEntries),
    };
    this.rows = 0;
    this.flushedEntries = this.dictionary.size;
    return chunk;
  }
}

/** Returns the number, or a description of what was expected. */
type NumberParser = (text: string) => number | string;

class NumberColumnBuilder implements ColumnBuilder {
  readonly kind = 'number';
  readonly distinctValues = 0;
  readonly name: string;
  private readonly values: Float64Array;
  private rows = 0;

  constructor(
    private readonly field: SchemaField,
    capacity: number,
    private readonly parse: NumberParser,
  ) {
    this.name = field.name;
    this.values = new Float64Array(capacity);
  }

  append(value: string): void {
    if (value.length === 0) {
      if (!this.field.nullable) throw notNullable(this.field);
      this.values[this.rows++] = NaN;
      return;
    }
    const parsed = this.parse(value);
    if (typeof parsed === 'string') throw new FieldValueError(this.name, parsed, value);
    this.values[this.rows++] = parsed;
  }

  takeChunk(): ColumnChunk {
    const chunk = {
      rows: this.rows,
      data: Buffer.from(this.values.buffer, 0, this.rows * 8),
      dictionaryDelta: null,
    };
    this.rows = 0;
    return chunk;
  }
}

function notNullable(field: SchemaField): FieldValueError {
  return new FieldValueError(
    field.name,
    `a value (the field is not nullable in the schema${field.type === 'string' ? '' : `; type ${field.type}`})`,
    '',
  );
}

export function parseEpochSeconds(text: string): number | string {
  let value = 0;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) {
      return text.charCodeAt(0) === 45 && /^-\d+$/.test(text)
        ? 'a non-negative integer of epoch seconds (negative timestamps are not accepted)'
        : 'an integer of epoch seconds (digits only, e.g. 1700000000)';
    }
    value = value * 10 + digit;
  }
  if (length > MAX_EPOCH_SECONDS_DIGITS) {
    return `epoch seconds of at most ${MAX_EPOCH_SECONDS_DIGITS} digits; ${length} digits look like milliseconds (divide by 1000)`;
  }
  return value;
}

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

function parseInt32(text: string): number | string {
  const value = INTEGER.test(text) ? Number(text) : NaN;
  return Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31
    ? value
    : 'an integer from -2147483648 to 2147483647 (type int)';
}

function parseLong(text: string): number | string {
  const value = INTEGER.test(text) ? Number(text) : NaN;
  return Number.isSafeInteger(value) ? value : 'an integer (type long, within ±9007199254740991)';
}

function parseDecimal(text: string): number | string {
  const value = DECIMAL.test(text) ? Number(text) : NaN;
  return Number.isFinite(value) ? value : 'a decimal number such as 3.25 or 1e-3';
}

function parseBoolean(text: string): number | string {
  const lower = text.toLowerCase();
  if (lower === 'true') return 1;
  if (lower === 'false') return 0;
  return 'true or false (type boolean)';
}
