import type { TrainedModel } from './model.js';

/** Thrown when a stored model blob is not one this code wrote (corrupt, truncated, or a newer format). */
export class ModelFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

const MAGIC = 'PRM1';
const FORMAT_VERSION = 1;

type ArrayKind = 'f32' | 'f64' | 'i32';
type NumericArray = Float32Array | Float64Array | Int32Array;

interface ArrayEntry {
  readonly name: string;
  readonly kind: ArrayKind;
  readonly offset: number;
  readonly length: number;
}

interface Header {
  readonly version: number;
  readonly scalars: Record<string, unknown>;
  readonly arrays: ArrayEntry[];
}

function kindOf(array: NumericArray): ArrayKind {
  if (array instanceof Float32Array) return 'f32';
  if (array instanceof Float64Array) return 'f64';
  return 'i32';
}

function isNumericArray(value: unknown): value is NumericArray {
  return value instanceof Float32Array || value instanceof Float64Array || value instanceof Int32Array;
}

/**
 * Serializes a model into one compact buffer for a SQLite BLOB: "PRM1", the header's byte length
 * (uint32 LE), a JSON header (ids, settings, array directory), then each typed array's raw little-endian
 * bytes, 8-byte aligned. NaN scalars are stored as null and restored.
 */
export function encodeModel(model: TrainedModel): Buffer {
  const scalars: Record<string, unknown> = {};
  const arrays: { name: string; array: NumericArray }[] = [];
  for (const [name, value] of Object.entries(model)) {
    if (isNumericArray(value)) arrays.push({ name, array: value });
    else scalars[name] = typeof value === 'number' && Number.isNaN(value) ? null : value;
  }
  let offset = 0;
  const directory: ArrayEntry[] = arrays.map(({ name, array }) => {
    const entry = { name, kind: kindOf(array), offset, length: array.length };
    offset += Math.ceil(array.byteLength / 8) * 8;
    return entry;
  });
  const header: Header = { version: FORMAT_VERSION, scalars, arrays: directory };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const dataStart = Math.ceil((8 + headerBytes.length) / 8) * 8;
  const out = Buffer.alloc(dataStart + offset);
  out.write(MAGIC, 0, 'latin1');
  out.writeUInt32LE(headerBytes.length, 4);
  headerBytes.copy(out, 8);
  arrays.forEach(({ array }, i) => {
    const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
    out.set(bytes, dataStart + directory[i]!.offset);
  });
  return out;
}

const CONSTRUCTORS = { f32: Float32Array, f64: Float64Array, i32: Int32Array } as const;

/** Reads a buffer written by encodeModel; arrays are copied out so they are aligned and independent. */
export function decodeModel(blob: Uint8Array): TrainedModel {
  const buffer = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  if (buffer.length < 8 || buffer.toString('latin1', 0, 4) !== MAGIC) {
    throw new ModelFormatError('The stored model is not a personalize-retrain model blob (bad magic bytes).');
  }
  const headerLength = buffer.readUInt32LE(4);
  if (8 + headerLength > buffer.length) throw new ModelFormatError('The stored model is truncated (header).');
  const header = JSON.parse(buffer.toString('utf8', 8, 8 + headerLength)) as Header;
  if (header.version !== FORMAT_VERSION) {
    throw new ModelFormatError(
      `The stored model has format version ${header.version}; this engine reads version ${FORMAT_VERSION}. Retrain the solution version.`,
    );
  }
  const dataStart = Math.ceil((8 + headerLength) / 8) * 8;
  const model: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(header.scalars)) {
    model[name] = value === null && name === 'latestTimestamp' ? NaN : value;
  }
  for (const entry of header.arrays) {
    const Ctor = CONSTRUCTORS[entry.kind];
    const start = dataStart + entry.offset;
    const end = start + entry.length * Ctor.BYTES_PER_ELEMENT;
    if (end > buffer.length)
      throw new ModelFormatError(`The stored model is truncated (array ${entry.name}).`);
    const copy = new ArrayBuffer(end - start);
    new Uint8Array(copy).set(buffer.subarray(start, end));
    model[entry.name] = new Ctor(copy);
  }
  return model as unknown as TrainedModel;
}
