// Coalesces the KV reads that one request makes at the same time (a user's recent items and cached vector) into one
// bulk `get(keys, "text")`, so a recommendation costs one KV operation instead of two. Values read this way must be
// text: vectors are stored base64-encoded.

const MAX_BULK = 100; // KV's bulk get takes at most 100 keys

interface Waiter {
  resolve(v: string | null): void;
  reject(e: unknown): void;
}

export class KvBatchReader {
  private queue: Map<string, Waiter[]> | null = null;

  constructor(private readonly kv: KVNamespace) {}

  read(key: string): Promise<string | null> {
    return new Promise((resolve, reject) => {
      if (!this.queue) {
        this.queue = new Map();
        // Reads issued in the same turn (Promise.all in the recommender) are collected before the batch goes out.
        setTimeout(() => void this.flush(), 0);
      }
      const list = this.queue.get(key) ?? [];
      list.push({ resolve, reject });
      this.queue.set(key, list);
    });
  }

  private async flush(): Promise<void> {
    const queue = this.queue!;
    this.queue = null;
    const keys = [...queue.keys()];
    for (let i = 0; i < keys.length; i += MAX_BULK) {
      const chunk = keys.slice(i, i + MAX_BULK);
      try {
        const values =
          chunk.length === 1
            ? new Map([[chunk[0]!, await this.kv.get(chunk[0]!, "text")]])
            : await this.kv.get(chunk, "text");
        for (const k of chunk) for (const w of queue.get(k)!) w.resolve(values.get(k) ?? null);
      } catch (e) {
        for (const k of chunk) for (const w of queue.get(k)!) w.reject(e);
      }
    }
  }
}

export function bytesToBase64(bytes: Uint8Array): string {
  let bin = "";
  for (let i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]!);
  return btoa(bin);
}

export function base64ToBytes(text: string): Uint8Array | null {
  try {
    const bin = atob(text);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  } catch {
    return null;
  }
}
