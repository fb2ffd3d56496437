// Fault scenarios of bench:chaos: unauthenticated chunked PUTs against the server's RSS, the 9,000,000-capacity
// index (memory budget bypass), Redis SIGKILLed under load, and the Node host SIGKILLed while events stream in.

import { readFileSync } from "node:fs";

/** Resident set of a process and its descendants, MB (Linux /proc). */
export function rssMb(pids: number[]): number {
  let kb = 0;
  for (const pid of pids) {
    try {
      const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
      if (m) kb += Number(m[1]);
    } catch {
      // gone
    }
  }
  return Math.round(kb / 1024);
}

/** Pids of `root` and all its descendants. */
export function processTree(root: number): number[] {
  const out = [root];
  for (let i = 0; i < out.length; i++) {
    try {
      const children = readFileSync(`/proc/${out[i]}/task/${out[i]}/children`, "utf8").trim();
      if (children) out.push(...children.split(/\s+/).map(Number));
    } catch {
      // gone
    }
  }
  return out;
}

/** 16 concurrent chunked 32 MiB PUTs without a key: the peak RSS rise of the server's processes (MB). */
export async function unauthenticatedPuts(url: string, tenant: string, pids: () => number[]): Promise<number> {
  const before = rssMb(pids());
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, rssMb(pids()))), 50);
  const put = async () => {
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        if (sent >= 32 << 20) return c.close();
        sent += 1 << 16;
        c.enqueue(new Uint8Array(1 << 16).fill(7));
      },
    });
    try {
      const res = await fetch(`${url}/v1/tenants/${tenant}/artifacts/v1/items.bin`, { method: "PUT", body, duplex: "half", signal: AbortSignal.timeout(30_000) } as RequestInit);
      await res.text();
    } catch {
      // the server may close the connection without reading: that is the point
    }
  };
  await Promise.all(Array.from({ length: 16 }, put));
  await new Promise((r) => setTimeout(r, 300));
  clearInterval(timer);
  peak = Math.max(peak, rssMb(pids()));
  return peak - before;
}

export interface Pacer {
  /** Sends `fn` at `rate` per second for `seconds`, calling `at(t)` hooks on the way; resolves when all answered. */
  (rate: number, seconds: number, fn: (i: number) => Promise<boolean>, hooks: [number, () => Promise<void> | void][]): Promise<{ requests: number; failed: number }>;
}

export const pace: Pacer = async (rate, seconds, fn, hooks) => {
  const total = Math.round(rate * seconds);
  const start = performance.now();
  const pending: Promise<void>[] = [];
  let failed = 0;
  const todo = [...hooks].sort((a, b) => a[0] - b[0]);
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    while (todo.length && performance.now() - start >= todo[0]![0] * 1000) await todo.shift()![1]();
    pending.push(fn(i).then((ok) => void (ok || failed++), () => void failed++));
  }
  await Promise.all(pending);
  for (const [, h] of todo) await h();
  return { requests: total, failed };
};
