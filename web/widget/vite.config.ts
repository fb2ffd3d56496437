// Builds the widget as a library: `dist/widget/edgerec-widget.js` (ES module) and `edgerec-widget.iife.js`
// (a classic <script> that defines <edgerec-recs> and exposes `window.EdgerecWidget`). No UI framework, no tfjs.

import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here("."),
  publicDir: false,
  logLevel: "warn",
  build: {
    outDir: here("../../dist/widget"),
    emptyOutDir: true,
    target: "es2022",
    sourcemap: true,
    reportCompressedSize: false,
    minify: true,
    // Vite keeps whitespace in lib-mode ES output; the ES file ships to browsers as is, so minify it fully.
    rolldownOptions: { output: { minify: true } },
    lib: {
      entry: here("./index.ts"),
      name: "EdgerecWidget",
      formats: ["es", "iife"],
      fileName: (format) => (format === "es" ? "edgerec-widget.js" : "edgerec-widget.iife.js"),
    },
  },
});
