// The training demo page: `npm run dev:demo` serves it, `npm run build:demo` builds it into dist/demo (the e2e tests
// and bench:browser-train build and preview it). Cross-origin isolation headers
// (COOP/COEP) let the page use SharedArrayBuffer, which tfjs's wasm backend needs for its threads.

import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

export const ISOLATION_HEADERS = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
  "Cross-Origin-Resource-Policy": "same-origin",
} as const;

export default defineConfig({
  root: here("."),
  publicDir: false,
  logLevel: "warn",
  server: { headers: ISOLATION_HEADERS, fs: { allow: [here("../..")] } },
  preview: { headers: ISOLATION_HEADERS },
  // Pre-bundle every dependency up front (the GPU backends are imported lazily), so the dev server never reloads
  // the page mid-run to add one.
  optimizeDeps: {
    include: [
      "@tensorflow/tfjs-core",
      "@tensorflow/tfjs-backend-cpu",
      "@tensorflow/tfjs-backend-wasm",
      "@tensorflow/tfjs-backend-webgl",
      "@tensorflow/tfjs-backend-webgpu",
      "uplot",
      "hyparquet",
      "zod",
      "zod/mini",
    ],
  },
  build: {
    outDir: here("../../dist/demo"),
    emptyOutDir: true,
    target: "es2022",
    reportCompressedSize: false,
    chunkSizeWarningLimit: 4096,
    // tfjs-backend-wasm starts its threads from `wasmFactoryThreadedSimd.toString()`; minified, that source refers to
    // renamed outer names and every worker dies with "e is not defined".
    minify: false,
  },
});
