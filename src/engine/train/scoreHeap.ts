/**
 * The best `capacity` (score, item) pairs offered so far, as a min-heap whose root is the worst kept.
 * Ties go to the lower item index, so every selection built on it is deterministic. Allocates only
 * at construction and in `drain`.
 */
export class BoundedScoreHeap {
  private readonly scores: Float64Array;
  private readonly items: Int32Array;
  private size = 0;

  constructor(readonly capacity: number) {
    this.scores = new Float64Array(capacity);
    this.items = new Int32Array(capacity);
  }

  get full(): boolean {
    return this.size === this.capacity;
  }

  /** The lowest score kept; only meaningful once the heap holds something. */
  get worstScore(): number {
    return this.scores[0]!;
  }

  offer(score: number, item: number): void {
    const { scores, items } = this;
    if (this.size < this.capacity) {
      let i = this.size++;
      scores[i] = score;
      items[i] = item;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!worse(scores[i]!, items[i]!, scores[parent]!, items[parent]!)) return;
        this.swap(i, parent);
        i = parent;
      }
    } else if (this.capacity > 0 && worse(scores[0]!, items[0]!, score, item)) {
      scores[0] = score;
      items[0] = item;
      this.siftDown();
    }
  }

  /** Everything kept, best first; leaves the heap empty. */
  drain(): { items: Int32Array; scores: Float64Array } {
    const items = new Int32Array(this.size);
    const scores = new Float64Array(this.size);
    while (this.size > 0) {
      items[this.size - 1] = this.items[0]!;
      scores[this.size - 1] = this.scores[0]!;
      this.size--;
      this.scores[0] = this.scores[this.size]!;
      this.items[0] = this.items[this.size]!;
      this.siftDown();
    }
    return { items, scores };
  }

  private siftDown(): void {
    const { scores, items, size } = this;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < size && worse(scores[l]!, items[l]!, scores[m]!, items[m]!)) m = l;
      if (r < size && worse(scores[r]!, items[r]!, scores[m]!, items[m]!)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }

  private swap(a: number, b: number): void {
    const { scores, items } = this;
    const score = scores[a]!;
    const item = items[a]!;
    scores[a] = scores[b]!;
    items[a] = items[b]!;
    scores[b] = score;
    items[b] = item;
  }
}

/** "a is worse than b": a lower score, or an equal score and a higher item index. */
function worse(scoreA: number, itemA: number, scoreB: number, itemB: number): boolean {
  return scoreA < scoreB || (scoreA === scoreB && itemA > itemB);
}
