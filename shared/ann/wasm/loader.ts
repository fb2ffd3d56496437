// Loads hnsw.wasm from a WebAssembly.Module (Workers import .wasm files as modules and forbid compiling bytes at
// run time), from bytes (Node), or from a fetch Response (compiled while streaming in the browser). Provides the
// module's few imports: the search-filter callback and WASI stubs (the module never does I/O; hnswlib's file
// functions are linked but unused). Memory views are re-created whenever the memory has grown.

import { AnnError } from "../errors.ts";

export type HnswWasmSource = WebAssembly.Module | ArrayBuffer | ArrayBufferView | Response | PromiseLike<Response>;

/** The C API exported by hnsw.wasm (see hnsw_api.cpp). Pointers and handles are wasm32 addresses. */
export interface HnswExports {
  memory: WebAssembly.Memory;
  _initialize(): void;
  malloc(bytes: number): number;
  free(ptr: number): void;
  hnsw_last_error(): number;
  hnsw_create(space: number, dim: number, maxElements: number, M: number, efConstruction: number, seed: number, outHandle: number): number;
  hnsw_deserialize(space: number, dim: number, bytes: number, len: number, minCapacity: number, outHandle: number): number;
  hnsw_destroy(handle: number): void;
  hnsw_add(handle: number, vector: number, label: number): number;
  hnsw_mark_deleted(handle: number, label: number): number;
  hnsw_set_ef(handle: number, ef: number): number;
  hnsw_get_ef(handle: number): number;
  hnsw_get_m(handle: number): number;
  hnsw_get_ef_construction(handle: number): number;
  hnsw_capacity(handle: number): number;
  hnsw_size(handle: number): number;
  hnsw_search(handle: number, query: number, k: number, useFilter: number, outLabels: number, outDist: number): number;
  hnsw_distances(handle: number, query: number, labels: number, n: number, outDist: number): number;
  hnsw_serialized_size(handle: number): number;
  hnsw_serialize(handle: number, out: number, len: number): number;
}

const ERRNO_NOSYS = 52;

export type LoadedFrom = "module" | "bytes" | "stream" | "response-bytes";

/** One instance of the module: its exports, memory views, and the filter the current search consults. */
export class HnswWasm {
  private u8View = new Uint8Array(0);
  private filter: ((label: number) => boolean) | undefined;
  private filterError: unknown;

  private constructor(
    readonly exports: HnswExports,
    /** How the module arrived: an imported Module, bytes, a streamed Response, or a Response read as bytes. */
    readonly loadedFrom: LoadedFrom,
  ) {}

  /** Instantiates the module from any supported source. */
  static async load(source: HnswWasmSource): Promise<HnswWasm> {
    let holder: HnswWasm | undefined;
    const imports = importsFor(() => holder);
    const { instance, from } = await instantiate(source, imports).catch((e: unknown) => {
      if (e instanceof AnnError) throw e;
      throw new AnnError("ann_internal", `cannot instantiate hnsw.wasm: ${e instanceof Error ? e.message : String(e)}`);
    });
    const exports = instance.exports as unknown as HnswExports;
    for (const name of ["memory", "_initialize", "malloc", "hnsw_create", "hnsw_search", "hnsw_serialize"] as const) {
      if (!(name in exports)) throw new AnnError("ann_internal", `the wasm module lacks the export '${name}'; is it hnsw.wasm?`);
    }
    holder = new HnswWasm(exports, from);
    exports._initialize(); // static constructors of the C++ runtime
    return holder;
  }

  /** The current byte view of linear memory; a new one after growth (growth detaches the old buffer). */
  get u8(): Uint8Array {
    const buffer = this.exports.memory.buffer;
    if (this.u8View.buffer !== buffer) this.u8View = new Uint8Array(buffer);
    return this.u8View;
  }

  f32(ptr: number, length: number): Float32Array {
    return new Float32Array(this.exports.memory.buffer, ptr, length);
  }

  f64(ptr: number, length: number): Float64Array {
    return new Float64Array(this.exports.memory.buffer, ptr, length);
  }

  u32At(ptr: number): number {
    return new DataView(this.exports.memory.buffer).getUint32(ptr, true);
  }

  malloc(bytes: number): number {
    const ptr = this.exports.malloc(Math.max(bytes, 1));
    if (ptr === 0) throw new AnnError("ann_internal", `wasm out of memory allocating ${bytes} bytes`);
    return ptr;
  }

  lastError(): string {
    const ptr = this.exports.hnsw_last_error();
    const u8 = this.u8;
    let end = ptr;
    while (u8[end] !== 0 && end < u8.length) end++;
    return new TextDecoder().decode(u8.subarray(ptr, end));
  }

  /** Runs `call` with `filter` answering the module's filter callbacks; rethrows what the filter threw. */
  withFilter<T>(filter: (label: number) => boolean, call: () => T): T {
    const outer = this.filter;
    this.filter = filter;
    this.filterError = undefined;
    try {
      const result = call();
      if (this.filterError !== undefined) throw this.filterError;
      return result;
    } finally {
      this.filter = outer;
      this.filterError = undefined;
    }
  }

  /** Called from wasm: a JavaScript exception must not unwind through C++ frames, so it is kept and rethrown. */
  acceptLabel(label: number): number {
    if (this.filterError !== undefined || this.filter === undefined) return 0;
    try {
      return this.filter(label) ? 1 : 0;
    } catch (e) {
      this.filterError = e;
      return 0;
    }
  }
}

function importsFor(wasm: () => HnswWasm | undefined): WebAssembly.Imports {
  const nosys = () => ERRNO_NOSYS;
  return {
    env: {
      edgerec_filter: (label: number) => wasm()?.acceptLabel(label) ?? 0,
      emscripten_notify_memory_growth: () => {}, // views are checked against memory.buffer on every use
    },
    wasi_snapshot_preview1: {
      proc_exit: (code: number) => {
        throw new AnnError("ann_internal", `hnsw wasm module aborted (exit ${code})`);
      },
      fd_write: nosys,
      fd_read: nosys,
      fd_seek: nosys,
      fd_close: nosys,
      environ_sizes_get: (countPtr: number, sizePtr: number) => {
        const memory = wasm()?.exports.memory;
        if (!memory) return ERRNO_NOSYS;
        const view = new DataView(memory.buffer);
        view.setUint32(countPtr, 0, true); // no environment variables
        view.setUint32(sizePtr, 0, true);
        return 0;
      },
      environ_get: () => 0,
    },
  };
}

async function instantiate(source: HnswWasmSource, imports: WebAssembly.Imports): Promise<{ instance: WebAssembly.Instance; from: LoadedFrom }> {
  if (source instanceof WebAssembly.Module) return { instance: await WebAssembly.instantiate(source, imports), from: "module" };
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) {
    const bytes = source instanceof ArrayBuffer ? new Uint8Array(source) : new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
    return { instance: await instantiateBytes(bytes, imports), from: "bytes" };
  }
  const response = await source;
  if (typeof Response === "undefined" || !(response instanceof Response)) {
    throw new AnnError("ann_bad_params", "hnsw wasm source must be a WebAssembly.Module, bytes or a Response");
  }
  if (!response.ok) throw new AnnError("ann_internal", `fetching hnsw.wasm failed: HTTP ${response.status}`);
  const streamable = typeof WebAssembly.instantiateStreaming === "function" && response.headers.get("content-type")?.startsWith("application/wasm");
  if (streamable) return { instance: (await WebAssembly.instantiateStreaming(response, imports)).instance, from: "stream" };
  return { instance: await instantiateBytes(new Uint8Array(await response.arrayBuffer()), imports), from: "response-bytes" };
}

// Compiling bytes at run time (Node, browsers; refused inside Workers, which pass a Module instead).
async function instantiateBytes(bytes: Uint8Array, imports: WebAssembly.Imports): Promise<WebAssembly.Instance> {
  const module = await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
  return WebAssembly.instantiate(module, imports);
}
