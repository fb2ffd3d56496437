// The web pages `npm run demo` serves from web/: the sample shop with the widget (/widget.html) and the training
// demo (/demo/). Only the training page gets the cross-origin isolation headers (COOP/COEP) that tfjs's threaded
// wasm backend needs; the shop page talks to the edge cross-origin and shows images, which COEP would block.

import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vite";
import demoConfig, { ISOLATION_HEADERS } from "./web/demo/vite.config.ts";

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

const isolateTrainingPage = (): Plugin => ({
  name: "edgerec-isolate-training-page",
  configureServer(server) {
    server.middlewares.use((req, res, next) => {
      if (req.url?.startsWith("/demo")) for (const [k, v] of Object.entries(ISOLATION_HEADERS)) res.setHeader(k, v);
      next();
    });
  },
});

export default defineConfig({
  root: here("web"),
  publicDir: false,
  logLevel: "warn",
  plugins: [isolateTrainingPage()],
  server: { fs: { allow: [here(".")] } },
  optimizeDeps: demoConfig.optimizeDeps,
  build: {
    outDir: here("dist/web"),
    emptyOutDir: true,
    target: "es2022",
    minify: false,
    rolldownOptions: { input: { shop: here("web/widget.html"), demo: here("web/demo/index.html") } },
  },
});
