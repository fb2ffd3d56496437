// Node only: runs the ALS kernels on worker_threads over SharedArrayBuffer. The workers are eval'd from the kernels'
// own source text (als-kernel.ts keeps them self-contained), so no build step or TypeScript loader is needed in a
// worker. The main thread works too; rows are handed out in chunks through an Atomics counter, so a thread slowed
// by a busy machine simply takes fewer chunks. `useAlsThreads()` installs the pool for every later ALS fit.

import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { Csr } from "../../shared/data/csr.ts";
import { alsSolveRows, gramRows } from "./als-kernel.ts";
import { type AlsExecutor, mirrorLower, scratchFor, setAlsExecutor } from "./als-exec.ts";

const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const alsSolveRows = ${alsSolveRows.toString()};
const gramRows = ${gramRows.toString()};
let scratch = new Float64Array(0);
parentPort.on("message", (m) => {
  try {
    if (m.kind === "solve") {
      const need = m.dim * (m.dim + 4);
      if (scratch.length < need) scratch = new Float64Array(need);
      alsSolveRows(m.indptr, m.indices, m.values, m.y, m.x, m.gram, m.dim, 0, m.rows, m.alpha, m.reg, m.regScale, m.steps, scratch, m.next, m.chunk);
    } else {
      gramRows(m.y, m.dim, 0, m.rows, m.out, m.next, m.chunk);
    }
    parentPort.postMessage({ ok: true });
  } catch (e) {
    parentPort.postMessage({ ok: false, error: String(e && e.stack || e) });
  }
});
`;

class AlsPool implements AlsExecutor {
  readonly threads: number;
  private readonly workers: Worker[] = [];
  private readonly counter = new Int32Array(new SharedArrayBuffer(4));

  constructor(threads: number) {
    this.threads = threads;
    for (let t = 1; t < threads; t++) {
      const w = new Worker(WORKER_SOURCE, { eval: true });
      w.unref();
      this.workers.push(w);
    }
  }

  floats(n: number): Float32Array {
    return new Float32Array(new SharedArrayBuffer(n * 4));
  }

  share(m: Csr): Csr {
    if (m.indptr.buffer instanceof SharedArrayBuffer) return m;
    const copy = <T extends Int32Array | Float32Array>(a: T, make: (b: SharedArrayBuffer) => T): T => {
      const out = make(new SharedArrayBuffer(a.byteLength));
      out.set(a);
      return out;
    };
    return {
      rows: m.rows,
      cols: m.cols,
      indptr: copy(m.indptr, (b) => new Int32Array(b)),
      indices: copy(m.indices, (b) => new Int32Array(b)),
      values: copy(m.values, (b) => new Float32Array(b)),
    };
  }

  async gram(y: Float32Array, rows: number, dim: number): Promise<Float64Array> {
    const parts = new Float64Array(new SharedArrayBuffer(this.threads * dim * dim * 8));
    const chunk = Math.max(64, Math.ceil(rows / (this.threads * 16)));
    Atomics.store(this.counter, 0, 0);
    const pending = this.workers.map((w, t) =>
      this.dispatch(w, { kind: "gram", y, dim, rows, out: parts.subarray((t + 1) * dim * dim, (t + 2) * dim * dim), next: this.counter, chunk }),
    );
    gramRows(y, dim, 0, rows, parts.subarray(0, dim * dim), this.counter, chunk);
    await Promise.all(pending);
    const g = new Float64Array(dim * dim);
    for (let t = 0; t < this.threads; t++) for (let k = 0; k < dim * dim; k++) g[k]! += parts[t * dim * dim + k]!;
    mirrorLower(g, dim);
    return g;
  }

  async solve(m: Csr, y: Float32Array, x: Float32Array, gram: Float64Array, dim: number, alpha: number, reg: number, regScale: Float32Array | null, steps: number): Promise<void> {
    const shared = new Float64Array(new SharedArrayBuffer(gram.byteLength));
    shared.set(gram);
    const chunk = Math.max(16, Math.ceil(m.rows / (this.threads * 32)));
    Atomics.store(this.counter, 0, 0);
    const msg = { kind: "solve", indptr: m.indptr, indices: m.indices, values: m.values, y, x, gram: shared, dim, rows: m.rows, alpha, reg, regScale, steps, next: this.counter, chunk };
    const pending = this.workers.map((w) => this.dispatch(w, msg));
    alsSolveRows(m.indptr, m.indices, m.values, y, x, shared, dim, 0, m.rows, alpha, reg, regScale, steps, scratchFor(dim), this.counter, chunk);
    await Promise.all(pending);
  }

  private dispatch(w: Worker, msg: object): Promise<void> {
    return new Promise((resolve, reject) => {
      w.ref();
      const onError = (e: Error) => done(() => reject(e));
      const onMessage = (r: { ok: boolean; error?: string }) => done(() => (r.ok ? resolve() : reject(new Error(`ALS worker: ${r.error}`))));
      const done = (then: () => void) => {
        w.off("message", onMessage);
        w.off("error", onError);
        w.unref();
        then();
      };
      w.on("message", onMessage);
      w.on("error", onError);
      w.postMessage(msg);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

let pool: AlsPool | null = null;

/**
 * Installs a pool of `threads` (default: every core the OS gives this process) for all later ALS fits in this
 * process. Falls back to the main thread alone when workers cannot start. Returns the thread count in use.
 */
export function useAlsThreads(threads = Number(process.env.EDGEREC_THREADS) || availableParallelism()): number {
  if (pool && pool.threads === threads) {
    setAlsExecutor(pool);
    return threads;
  }
  void pool?.close();
  pool = null;
  if (threads <= 1) {
    setAlsExecutor(null);
    return 1;
  }
  try {
    pool = new AlsPool(threads);
    setAlsExecutor(pool);
    return threads;
  } catch (e) {
    if (process.env.EDGEREC_DEBUG) process.stderr.write(`ALS threads unavailable: ${(e as Error).message}\n`);
    setAlsExecutor(null);
    return 1;
  }
}

/**
 * A clock for search budgets on a shared machine: this process's CPU seconds (every thread) divided by the pool's
 * threads, about what the wall-clock would read on a quiet machine. Benchmarks use it when EDGEREC_BUDGET_CLOCK=cpu.
 */
export function cpuClock(threads: number): () => number {
  return () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6 / Math.max(1, threads);
  };
}

/** The budget clock the benchmarks use: cpuClock when EDGEREC_BUDGET_CLOCK=cpu, else undefined (wall-clock). */
export function benchClock(threads: number): (() => number) | undefined {
  return process.env.EDGEREC_BUDGET_CLOCK === "cpu" ? cpuClock(threads) : undefined;
}
