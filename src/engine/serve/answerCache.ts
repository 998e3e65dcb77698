/**
 * Answers already computed, for every campaign of the engine together, in one byte budget with
 * least-recently-used eviction. A deployed model never changes and its answers are deterministic
 * (exploration is seeded by the user), so an answer computed once serves every identical request
 * until something changes what the answer would be: then the owner invalidates the deployment (an
 * update or delete), or puts what changed into the key (the events recorded for the user, a stamp of
 * a filter's data), so that stale answers are never asked for again and age out.
 *
 * An answer is kept only from the second time its key is asked for (`Doorkeeper`). A stream of
 * one-off requests then never enters the cache: it would evict answers that are asked again, and
 * every kept string outlives the young generation, so the heap's old generation grew with the
 * traffic and its collections (5 to 10 ms pauses, about one a second) set the tail latency of
 * fresh requests (measured in docs/BENCHMARKS.md, "Filters and events").
 *
 * Bytes are estimated the way V8 holds the strings (one byte per character when every character
 * fits in Latin-1, two otherwise) plus a fixed overhead per entry measured on Node 20, so that
 * the bound holds for many short answers as for few long ones.
 */
export class AnswerCache {
  private readonly entries = new Map<string, Entry>();
  private readonly byDeployment = new Map<string, Set<string>>();
  /** Least recently used end of the recency list; `newest` is the other end. */
  private oldest: Entry | undefined;
  private newest: Entry | undefined;
  private bytes = 0;
  private hits = 0;
  private misses = 0;
  private evictions = 0;
  private firstRequests = 0;
  private reportedFull = false;
  private readonly doorkeeper = new Doorkeeper();

  /**
   * @param capacityBytes estimated bytes held at most
   * @param onFirstFull called once, the first time an answer must evict others (for a log line)
   */
  constructor(
    readonly capacityBytes: number,
    private readonly onFirstFull?: (stats: AnswerCacheStats) => void,
  ) {}

  get(deployment: string, key: string): string | undefined {
    const entry = this.entries.get(joinKey(deployment, key));
    if (!entry) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.unlink(entry);
    this.append(entry);
    return entry.answer;
  }

  /** Keeps `answer` if its key was asked for before (and it fits the budget). */
  offer(deployment: string, key: string, answer: string): void {
    // A string holds at least a byte per character: what cannot fit is not measured (a budget of 0).
    if (deployment.length + key.length + answer.length + ENTRY_OVERHEAD_BYTES > this.capacityBytes) return;
    const fullKey = joinKey(deployment, key);
    if (!this.doorkeeper.seenBefore(fullKey)) {
      this.firstRequests++;
      return;
    }
    const weight = stringBytes(fullKey) + stringBytes(answer) + ENTRY_OVERHEAD_BYTES;
    if (weight > this.capacityBytes) return;
    this.delete(fullKey);
    while (this.bytes + weight > this.capacityBytes && this.oldest) {
      if (!this.reportedFull) {
        this.reportedFull = true;
        this.onFirstFull?.(this.stats());
      }
      this.delete(this.oldest.fullKey);
      this.evictions++;
    }
    const entry: Entry = { fullKey, deployment, answer, weight, older: undefined, newer: undefined };
    this.entries.set(fullKey, entry);
    this.append(entry);
    this.bytes += weight;
    let keys = this.byDeployment.get(deployment);
    if (!keys) {
      keys = new Set();
      this.byDeployment.set(deployment, keys);
    }
    keys.add(fullKey);
  }

  /** Drops every answer of a deployment (replaced by an update, or deleted). */
  invalidateDeployment(deployment: string): void {
    for (const fullKey of this.byDeployment.get(deployment) ?? []) this.delete(fullKey);
    this.byDeployment.delete(deployment);
  }

  stats(): AnswerCacheStats {
    return {
      entries: this.entries.size,
      bytes: this.bytes,
      capacityBytes: this.capacityBytes,
      hits: this.hits,
      misses: this.misses,
      evictions: this.evictions,
      firstRequests: this.firstRequests,
    };
  }

  private delete(fullKey: string): void {
    const entry = this.entries.get(fullKey);
    if (!entry) return;
    this.entries.delete(fullKey);
    this.unlink(entry);
    this.bytes -= entry.weight;
    this.byDeployment.get(entry.deployment)?.delete(fullKey);
  }

  // A linked list keeps recency: a Map's own order would do, but finding its first entry walks past
  // every deleted slot before it, which made eviction slow once hundreds of thousands had gone.
  private append(entry: Entry): void {
    entry.older = this.newest;
    entry.newer = undefined;
    if (this.newest) this.newest.newer = entry;
    else this.oldest = entry;
    this.newest = entry;
  }

  private unlink(entry: Entry): void {
    if (entry.older) entry.older.newer = entry.newer;
    else this.oldest = entry.newer;
    if (entry.newer) entry.newer.older = entry.older;
    else this.newest = entry.older;
    entry.older = entry.newer = undefined;
  }
}

export interface AnswerCacheStats {
  readonly entries: number;
  /** Estimated bytes held; never above `capacityBytes`. */
  readonly bytes: number;
  readonly capacityBytes: number;
  readonly hits: number;
  readonly misses: number;
  readonly evictions: number;
  /** Answers computed but not kept, because their key was asked for the first time. */
  readonly firstRequests: number;
}

/** One deployment's share of the cache, as the runtime routes use it. */
export class DeploymentAnswers {
  private retired = false;

  constructor(
    private readonly cache: AnswerCache,
    readonly deployment: string,
  ) {}

  get(key: string): string | undefined {
    return this.retired ? undefined : this.cache.get(this.deployment, key);
  }

  /** Ignored once the deployment is retired, so a request that began before an update stores nothing stale. */
  offer(key: string, answer: string): void {
    if (!this.retired) this.cache.offer(this.deployment, key, answer);
  }

  retire(): void {
    this.retired = true;
    this.cache.invalidateDeployment(this.deployment);
  }
}

interface Entry {
  readonly fullKey: string;
  readonly deployment: string;
  readonly answer: string;
  readonly weight: number;
  older: Entry | undefined;
  newer: Entry | undefined;
}

/**
 * Heap per entry beyond its strings' characters: the Map and index Set slots, the entry object and
 * the string headers (measured: about 200 bytes on Node 20 with 200,000 short answers; rounded up).
 */
export const ENTRY_OVERHEAD_BYTES = 256;

/**
 * Which keys have been asked for before, approximately: each key sets two bits of a fixed bitset
 * (the doorkeeper of TinyLFU). A key whose two bits are both set counts as seen; a false positive
 * only keeps a one-off answer now and then. The bitset is cleared after recording a sixteenth as
 * many keys as it has bits, which keeps false positives under about 1.4%; a key asked for just
 * before a clear has to be asked for twice more.
 */
export class Doorkeeper {
  private readonly words: Int32Array;
  private readonly mask: number;
  private recorded = 0;

  constructor(log2Bits = 21) {
    this.words = new Int32Array(2 ** (log2Bits - 5));
    this.mask = 2 ** log2Bits - 1;
  }

  /** True when `key` was recorded since the last clear; otherwise records it and says false. */
  seenBefore(key: string): boolean {
    const hash = fnv1a(key);
    const first = hash & this.mask;
    const second = mix(hash) & this.mask;
    const words = this.words;
    const firstBit = 1 << (first & 31);
    const secondBit = 1 << (second & 31);
    if ((words[first >>> 5]! & firstBit) !== 0 && (words[second >>> 5]! & secondBit) !== 0) return true;
    if (++this.recorded > (this.mask + 1) / 16) {
      words.fill(0);
      this.recorded = 1;
    }
    words[first >>> 5]! |= firstBit;
    words[second >>> 5]! |= secondBit;
    return false;
  }
}

/** 32-bit FNV-1a over the string's UTF-16 code units. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/** MurmurHash3's finalizer: a second, well-spread position from the same hash. */
function mix(hash: number): number {
  let h = hash ^ (hash >>> 16);
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function joinKey(deployment: string, key: string): string {
  return `${deployment}\u0000${key}`;
}

// eslint-disable-next-line no-control-regex
const BEYOND_LATIN1 = /[^\u0000-\u00ff]/;

/** V8 stores a string in one byte per character when all of them fit in Latin-1, else two. */
export function stringBytes(text: string): number {
  return BEYOND_LATIN1.test(text) ? 2 * text.length : text.length;
}
