// The one place that chooses the tfjs backend and says why. In a browser: WebGPU on a real adapter, else WebGL on a
// real GPU, else wasm (SIMD, with threads when the page is cross-origin isolated), else cpu. A software WebGPU
// adapter or a software WebGL renderer (SwiftShader) is correct but far slower than wasm here, so `auto` skips them
// and names the reason. In Node: wasm with the package's own binaries, else cpu.

import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { getThreadsCount, setThreadsCount, setWasmPaths } from "@tensorflow/tfjs-backend-wasm";

export const BACKEND_NAMES = ["webgpu", "webgl", "wasm", "cpu"] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];
export type BackendPreference = BackendName | "auto";

/** What a probe found out about one backend, before anything was initialised. */
export interface BackendProbe {
  name: BackendName;
  available: boolean;
  /** A GPU backend running on a software rasteriser (SwiftShader, llvmpipe). */
  software: boolean;
  /** Adapter / renderer / feature description, e.g. "SIMD, 2 threads (cross-origin isolated)". */
  detail: string;
}

export interface BackendChoice {
  name: BackendName;
  /** The label trained models carry in `TrainedModel.backend`, e.g. "tfjs-wasm". */
  label: string;
  /** One line for people: which backend, on what, and why it was chosen. */
  reason: string;
  probes: BackendProbe[];
}

export interface BackendOptions {
  prefer?: BackendPreference;
  /** Where the wasm binaries are served: a URL prefix, or a map of file name → URL (what Vite's `?url` gives). */
  wasmPaths?: string | Record<string, string>;
  /** wasm worker threads (browser only); default: tfjs's choice (logical cores). */
  threads?: number;
}

// The slice of WebGPU's API the probe reads (TypeScript's DOM library has no WebGPU types).
interface GpuAdapterInfoLike { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean }
interface GpuLike {
  requestAdapter(opts?: { powerPreference?: string }): Promise<{ info?: GpuAdapterInfoLike; isFallbackAdapter?: boolean } | null>;
}

const isBrowser = (): boolean => typeof window !== "undefined" && typeof document !== "undefined";
const SOFTWARE = /swiftshader|llvmpipe|softpipe|software|basic render/i;

/** Probes every backend without switching to it. */
export async function probeBackends(): Promise<BackendProbe[]> {
  return [await probeWebGpu(), probeWebGl(), probeWasm(), { name: "cpu", available: true, software: false, detail: "plain JavaScript" }];
}

async function probeWebGpu(): Promise<BackendProbe> {
  const base = { name: "webgpu" as const, available: false, software: false };
  const gpu = (globalThis.navigator as { gpu?: GpuLike } | undefined)?.gpu;
  if (!isBrowser() || !gpu) return { ...base, detail: "navigator.gpu is missing" };
  try {
    const adapter = await gpu.requestAdapter({ powerPreference: "high-performance" });
    if (!adapter) return { ...base, detail: "no WebGPU adapter" };
    const info = adapter.info;
    const fallback = Boolean(adapter.isFallbackAdapter) || Boolean(info?.isFallbackAdapter);
    const text = info ? [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(" ") : "";
    const software = fallback || SOFTWARE.test(text);
    const name = text || "unnamed adapter";
    return { ...base, available: true, software, detail: software ? `software fallback adapter (${/swiftshader/i.test(text) || fallback ? "SwiftShader" : name})` : name };
  } catch (err) {
    return { ...base, detail: `requestAdapter failed: ${(err as Error).message}` };
  }
}

function probeWebGl(): BackendProbe {
  const base = { name: "webgl" as const, available: false, software: false };
  if (!isBrowser()) return { ...base, detail: "no DOM" };
  try {
    const canvas = document.createElement("canvas");
    const gl = canvas.getContext("webgl2") ?? canvas.getContext("webgl");
    if (!gl) return { ...base, detail: "no WebGL context" };
    const ext = gl.getExtension("WEBGL_debug_renderer_info");
    const renderer = String(ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
    gl.getExtension("WEBGL_lose_context")?.loseContext();
    const software = SOFTWARE.test(renderer);
    const name = /swiftshader/i.test(renderer) ? "SwiftShader" : renderer;
    return { ...base, available: true, software, detail: software ? `software renderer (${name})` : renderer };
  } catch (err) {
    return { ...base, detail: `WebGL probe failed: ${(err as Error).message}` };
  }
}

function probeWasm(): BackendProbe {
  if (typeof WebAssembly !== "object") return { name: "wasm", available: false, software: false, detail: "no WebAssembly" };
  const isolated = isBrowser() && Boolean((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated);
  const threads = isolated && typeof SharedArrayBuffer === "function";
  const detail = isBrowser()
    ? threads ? "SIMD with threads (page is cross-origin isolated)" : "SIMD, single thread (page is not cross-origin isolated: no COOP/COEP headers)"
    : "SIMD, single thread (tfjs has no wasm threads in Node)";
  return { name: "wasm", available: true, software: false, detail };
}

// What chooseBackend last activated, so trainers reuse the page's choice instead of choosing again.
let active: BackendChoice | null = null;

/** The backend chooseBackend activated, if tfjs still runs on it. */
export const currentBackend = (): BackendChoice | null => (active && tf.getBackend() === active.name ? active : null);

/** Chooses, initialises and activates a backend; throws only when even cpu fails. */
export async function chooseBackend(opts: BackendOptions = {}): Promise<BackendChoice> {
  const prefer = opts.prefer ?? "auto";
  if (prefer !== "auto" && !BACKEND_NAMES.includes(prefer)) {
    throw new RangeError(`unknown backend '${String(prefer)}'; expected one of: auto, ${BACKEND_NAMES.join(", ")}`);
  }
  const probes = await probeBackends();
  const byName = new Map(probes.map((p) => [p.name, p]));
  const skipped: string[] = [];
  const order: BackendName[] = prefer === "auto" ? [...BACKEND_NAMES] : [prefer, ...BACKEND_NAMES.filter((n) => n !== prefer)];
  for (const name of order) {
    const probe = byName.get(name)!;
    const asked = name === prefer;
    if (!probe.available) {
      skipped.push(`${name}: ${probe.detail}`);
      continue;
    }
    if (probe.software && !asked) {
      skipped.push(`${name}: ${probe.detail}`);
      continue;
    }
    const failure = await activate(name, opts);
    if (failure) {
      skipped.push(`${name}: ${failure}`);
      continue;
    }
    const what = `${name}: ${name === "wasm" ? wasmDetail(probe) : probe.detail}`;
    let reason: string;
    if (skipped.length > 0) reason = `${skipped.join("; ")} → ${what}`;
    else reason = prefer === "auto" ? `${what} (first choice)` : `${what} (as requested)`;
    active = { name, label: `tfjs-${name}`, reason, probes };
    return active;
  }
  throw new Error(`no tfjs backend could start: ${skipped.join("; ")}`);
}

/** Registers (lazily, so Node never loads GPU code) and switches to `name`; returns why it failed, or null. */
async function activate(name: BackendName, opts: BackendOptions): Promise<string | null> {
  try {
    if (name === "webgpu") await import("@tensorflow/tfjs-backend-webgpu");
    if (name === "webgl") await import("@tensorflow/tfjs-backend-webgl");
    if (name === "wasm" && !tf.findBackend("wasm")) {
      const paths = opts.wasmPaths ?? (isBrowser() ? undefined : await nodeWasmDir());
      if (paths !== undefined) setWasmPaths(paths);
      if (opts.threads !== undefined) setThreadsCount(opts.threads);
    }
    if (!(await tf.setBackend(name))) return "failed to initialise";
    await tf.ready();
    // One tiny op catches a backend that registers but cannot run kernels.
    const probe = tf.tidy(() => tf.sum(tf.mul(tf.tensor1d([1, 2, 3]), tf.tensor1d([1, 2, 3]))));
    const value = (await probe.data())[0];
    probe.dispose();
    return value === 14 ? null : `self-test gave ${value}, expected 14`;
  } catch (err) {
    return (err as Error).message ?? String(err);
  }
}

function wasmDetail(probe: BackendProbe): string {
  const threads = getThreadsCount();
  return threads > 1 ? `SIMD with ${threads} threads (cross-origin isolated)` : probe.detail;
}

/** The directory of tfjs-backend-wasm's binaries in node_modules (Node only; hidden from bundlers). */
async function nodeWasmDir(): Promise<string> {
  const moduleName = "node:module";
  const { createRequire } = (await import(/* @vite-ignore */ moduleName)) as typeof import("node:module");
  const main = createRequire(import.meta.url).resolve("@tensorflow/tfjs-backend-wasm");
  return main.slice(0, main.lastIndexOf("/") + 1);
}
