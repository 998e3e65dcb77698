/**
 * Answers already computed, for every campaign of the engine together, in one byte budget with
 * least-recently-used eviction. A deployed model never changes and its answers are deterministic
 * (exploration is seeded by the user), so an answer computed once serves every identical request
 * until something changes what the answer would be: then the owner invalidates the deployment (an
 * update or delete) or a key prefix (e.g. one user's answers, when events about that user arrive).
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
  private reportedFull = false;

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

  set(deployment: string, key: string, answer: string): void {
    // A string holds at least a byte per character: what cannot fit is not measured (a budget of 0).
    if (deployment.length + key.length + answer.length + ENTRY_OVERHEAD_BYTES > this.capacityBytes) return;
    const fullKey = joinKey(deployment, key);
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

  /** Drops a deployment's answers whose key starts with `prefix`. */
  invalidatePrefix(deployment: string, prefix: string): void {
    const start = joinKey(deployment, prefix);
    for (const fullKey of [...(this.byDeployment.get(deployment) ?? [])]) {
      if (fullKey.startsWith(start)) this.delete(fullKey);
    }
  }

  stats(): AnswerCacheStats {
    return {
      entries: this.entries.size,
      bytes: this.bytes,
      capacityBytes: this.capacityBytes,
      hits: this.hits,
      misses: this.misses,
      evictions: this.evictions,
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
  set(key: string, answer: string): void {
    if (!this.retired) this.cache.set(this.deployment, key, answer);
  }

  invalidatePrefix(prefix: string): void {
    this.cache.invalidatePrefix(this.deployment, prefix);
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

function joinKey(deployment: string, key: string): string {
  return `${deployment}\u0000${key}`;
}

// eslint-disable-next-line no-control-regex
const BEYOND_LATIN1 = /[^\u0000-\u00ff]/;

/** V8 stores a string in one byte per character when all of them fit in Latin-1, else two. */
export function stringBytes(text: string): number {
  return BEYOND_LATIN1.test(text) ? 2 * text.length : text.length;
}
