// The `workers` test project: edge tests that run inside workerd through @cloudflare/vitest-pool-workers, with the
// bindings of wrangler.toml (R2 ARTIFACTS, KV EMBEDDINGS and CONFIG) in Miniflare's local storage.
// Paths are absolute: vitest runs a referenced project with the folder of its config file as its root.
import { fileURLToPath } from "node:url";
import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

const at = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: at(".."),
  plugins: [
    cloudflareTest({
      main: at("./worker/index.ts"),
      wrangler: { configPath: at("../wrangler.toml") },
      // Tests rewrite tenant config directly and expect the next request to see it.
      // The event rate limit is lowered so a test can reach it. Tests assert which tier answered (a cached user
      // comes from KV), so a recommendation waits for KV however loaded the machine is (no 10 ms read budget).
      miniflare: { bindings: { CONFIG_TTL_SECONDS: "0", KV_READ_BUDGET_MS: "0" }, ratelimits: { EVENTS_LIMITER: { simple: { limit: 30, period: 60 } } } },
    }),
  ],
  test: {
    name: "workers",
    dir: at(".."),
    include: ["edge/**/*.workerd.test.ts"],
    testTimeout: 60_000,
  },
});
