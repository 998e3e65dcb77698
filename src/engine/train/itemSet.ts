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
