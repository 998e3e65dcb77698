/**
 * A tiny WebAssembly binary emitter: just the instructions the training kernels use (i32, f32/f64,
 * 128-bit SIMD), structured control flow, and a module with one imported memory. It lets the kernels
 * be generated in TypeScript at load time, so no toolchain or committed binary is needed.
 */

/** The part of the WebAssembly API the kernels use (the compiler's libs here have no DOM typings). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  Memory: new (descriptor: { initial: number }) => { buffer: ArrayBuffer };
}
export const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** Value types as encoded in the binary format. */
export const I32 = 0x7f;
export const F64 = 0x7c;
export const V128 = 0x7b;
type ValueType = typeof I32 | typeof F64 | typeof V128;

function unsignedLeb(value: number, out: number[]): void {
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
}

function signedLeb(value: number, out: number[]): void {
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    if ((value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return;
    }
    out.push(byte | 0x80);
  }
}

/** One function body: its locals (after the parameters) and instructions, emitted in order. */
export class FunctionBody {
  readonly code: number[] = [];
  private readonly localTypes: ValueType[] = [];

  constructor(readonly params: readonly ValueType[]) {}

  /** A new local of the type; returns its index. */
  local(type: ValueType): number {
    this.localTypes.push(type);
    return this.params.length + this.localTypes.length - 1;
  }

  get(index: number): this {
    return this.op(0x20).u32(index);
  }
  set(index: number): this {
    return this.op(0x21).u32(index);
  }
  i32(value: number): this {
    this.code.push(0x41);
    signedLeb(value, this.code);
    return this;
  }
  f64(value: number): this {
    const bytes = new Uint8Array(new Float64Array([value]).buffer);
    return this.op(0x44, ...bytes);
  }
  /** A plain instruction by opcode (see OP). */
  op(...bytes: number[]): this {
    this.code.push(...bytes);
    return this;
  }
  /** A memory instruction: opcode, log2 alignment, static byte offset. */
  mem(opcode: number, alignLog2: number, offset = 0): this {
    return this.op(opcode).u32(alignLog2).u32(offset);
  }
  /** A SIMD instruction (0xfd prefix) without immediates. */
  simd(opcode: number): this {
    return this.op(0xfd).u32(opcode);
  }
  /** A SIMD memory instruction: opcode, log2 alignment, static byte offset. */
  simdMem(opcode: number, alignLog2: number, offset = 0): this {
    return this.simd(opcode).u32(alignLog2).u32(offset);
  }
  /** Emits what `body` emits, in place; lets an operand be pushed inside a chain. */
  emit(body: () => void): this {
    body();
    return this;
  }
  /** Calls the module's function number `index`. */
  call(index: number): this {
    return this.op(0x10).u32(index);
  }
  /** f64x2.extract_lane. */
  lane(index: 0 | 1): this {
    return this.simd(0x21).op(index);
  }
  u32(value: number): this {
    unsignedLeb(value, this.code);
    return this;
  }
  /** `block … end`; `br 0` inside leaves it. */
  block(body: () => void): this {
    this.op(0x02, 0x40);
    body();
    return this.op(0x0b);
  }
  /** `loop … end`; `br 0` inside repeats it. */
  loop(body: () => void): this {
    this.op(0x03, 0x40);
    body();
    return this.op(0x0b);
  }
  /** `if … end` on the i32 on the stack. */
  when(body: () => void): this {
    this.op(0x04, 0x40);
    body();
    return this.op(0x0b);
  }
  br(depth: number): this {
    return this.op(0x0c).u32(depth);
  }
  brIf(depth: number): this {
    return this.op(0x0d).u32(depth);
  }

  /**
   * `for (i = start; i < end; i += step) body()` over i32 locals; the loop's own block and loop add
   * two levels, so `br 1` in the body (outside any nested block) leaves it.
   */
  forRange(i: number, start: () => void, end: () => void, step: number, body: () => void): this {
    start();
    this.set(i);
    return this.block(() =>
      this.loop(() => {
        this.get(i);
        end();
        this.op(OP.i32GeS).brIf(1);
        body();
        this.get(i).i32(step).op(OP.i32Add).set(i).br(0);
      }),
    );
  }

  encode(): number[] {
    const out: number[] = [];
    const groups: [number, ValueType][] = [];
    for (const type of this.localTypes) {
      const last = groups.at(-1);
      if (last && last[1] === type) last[0]++;
      else groups.push([1, type]);
    }
    unsignedLeb(groups.length, out);
    for (const [count, type] of groups) {
      unsignedLeb(count, out);
      out.push(type);
    }
    out.push(...this.code, 0x0b);
    const sized: number[] = [];
    unsignedLeb(out.length, sized);
    return [...sized, ...out];
  }
}

/** Opcodes used by the kernels (the core set; SIMD ones are in SIMD). */
export const OP = {
  i32Load: 0x28,
  f32Load: 0x2a,
  f64Load: 0x2b,
  f32Store: 0x38,
  f64Store: 0x39,
  i32Eqz: 0x45,
  i32Eq: 0x46,
  i32GeS: 0x4e,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Mul: 0x6c,
  i32Shl: 0x74,
  i32And: 0x71,
  f64Gt: 0x64,
  f64Add: 0xa0,
  f64Sub: 0xa1,
  f64Mul: 0xa2,
  f64Div: 0xa3,
  f32DemoteF64: 0xb6,
  f64PromoteF32: 0xbb,
} as const;

export const SIMD = {
  load: 0x00,
  store: 0x0b,
  f64x2Splat: 0x14,
  load64Zero: 0x5d,
  f64x2PromoteLowF32x4: 0x5f,
  f64x2Neg: 0xed,
  f64x2Add: 0xf0,
  f64x2Mul: 0xf2,
} as const;

export interface ModuleFunction {
  readonly name: string;
  readonly body: FunctionBody;
  /** Exported under `name` when true; otherwise only callable from the module. */
  readonly exported: boolean;
}

function section(id: number, content: number[]): number[] {
  const out = [id];
  unsignedLeb(content.length, out);
  return [...out, ...content];
}

function vector(items: number[][]): number[] {
  const out: number[] = [];
  unsignedLeb(items.length, out);
  for (const item of items) out.push(...item);
  return out;
}

function name(text: string): number[] {
  const bytes = [...Buffer.from(text, 'utf8')];
  const out: number[] = [];
  unsignedLeb(bytes.length, out);
  return [...out, ...bytes];
}

/**
 * A module of functions without results over one memory imported as `env.memory`; functions are
 * indexed in the order given (for `call`).
 */
export function encodeModule(functions: readonly ModuleFunction[]): Uint8Array {
  const types = functions.map((f) => [0x60, ...vector(f.body.params.map((t) => [t])), 0]);
  const imports = [[...name('env'), ...name('memory'), 0x02, 0x00, 0x01]];
  const exports = functions.flatMap((f, index) => {
    if (!f.exported) return [];
    const out = [...name(f.name), 0x00];
    unsignedLeb(index, out);
    return [out];
  });
  return Uint8Array.from([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, vector(types)),
    ...section(2, vector(imports)),
    ...section(
      3,
      vector(
        functions.map((_, index) => {
          const out: number[] = [];
          unsignedLeb(index, out);
          return out;
        }),
      ),
    ),
    ...section(7, vector(exports)),
    ...section(10, vector(functions.map((f) => f.body.encode()))),
  ]);
}
