/**
 * A set of item indices as a bitset: one bit per item of a model, so membership in the scoring loop
 * is a load and a mask. Serving uses it for the items a user has seen and for the items a request may
 * return (filters).
 */
export class ItemSet {
  readonly words: Uint32Array;

  constructor(readonly itemCount: number) {
    this.words = new Uint32Array((itemCount + 31) >>> 5);
  }

  /** The items for which `predicate` holds. */
  static where(itemCount: number, predicate: (item: number) => boolean): ItemSet {
    const set = new ItemSet(itemCount);
    for (let item = 0; item < itemCount; item++) if (predicate(item)) set.add(item);
    return set;
  }

  /** The items whose flag is 1. */
  static fromFlags(flags: Uint8Array): ItemSet {
    const set = new ItemSet(flags.length);
    const { words } = set;
    for (let item = 0; item < flags.length; item++)
      if (flags[item] === 1) words[item >>> 5]! |= 1 << (item & 31);
    return set;
  }

  /** Every item. */
  static all(itemCount: number): ItemSet {
    const set = new ItemSet(itemCount);
    set.words.fill(0xffffffff);
    const spare = set.words.length * 32 - itemCount;
    if (spare > 0) set.words[set.words.length - 1] = 0xffffffff >>> spare;
    return set;
  }

  copy(): ItemSet {
    const set = new ItemSet(this.itemCount);
    set.words.set(this.words);
    return set;
  }

  has(item: number): boolean {
    return (this.words[item >>> 5]! & (1 << (item & 31))) !== 0;
  }

  add(item: number): void {
    this.words[item >>> 5]! |= 1 << (item & 31);
  }

  delete(item: number): void {
    this.words[item >>> 5]! &= ~(1 << (item & 31));
  }
}
