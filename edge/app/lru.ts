// A least-recently-used map bounded by a byte budget (a Worker isolate has 128 MB) and optionally by a TTL.
// Map keeps insertion order, so re-inserting on access makes the first key the least recently used.

interface Entry<V> {
  value: V;
  bytes: number;
  expiresAt: number;
}

export class ByteLru<K, V> {
  private readonly map = new Map<K, Entry<V>>();
  private used = 0;

  constructor(
    readonly budgetBytes: number,
    private readonly ttlMs = Infinity,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: K): V | undefined {
    const e = this.map.get(key);
    if (!e) return undefined;
    if (e.expiresAt <= this.now()) {
      this.delete(key);
      return undefined;
    }
    this.map.delete(key);
    this.map.set(key, e);
    return e.value;
  }

  /** Stores `value`, then evicts the least recently used entries until the budget holds (never the new one). */
  set(key: K, value: V, bytes: number, ttlMs = this.ttlMs): void {
    this.delete(key);
    this.map.set(key, { value, bytes, expiresAt: this.now() + ttlMs });
    this.used += bytes;
    for (const [k, e] of this.map) {
      if (this.used <= this.budgetBytes || k === key) break;
      this.map.delete(k);
      this.used -= e.bytes;
    }
  }

  delete(key: K): void {
    const e = this.map.get(key);
    if (!e) return;
    this.map.delete(key);
    this.used -= e.bytes;
  }

  get bytes(): number {
    return this.used;
  }

  get size(): number {
    return this.map.size;
  }

  entries(): IterableIterator<[K, V]> {
    const it = this.map.entries();
    return (function* () {
      for (const [k, e] of it) yield [k, e.value] as [K, V];
    })();
  }
}
