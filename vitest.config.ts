// Test projects: `node` (unit tests beside the code), `e2e` (whole-system runs: workerd, Chromium).
// The `workers` project (tests inside workerd via @cloudflare/vitest-pool-workers) lives in edge/vitest.workers.config.ts.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "node",
          include: ["shared/**/*.test.ts", "trainer/**/*.test.ts", "edge/**/*.test.ts", "web/**/*.test.ts", "bench/**/*.test.ts"],
          exclude: ["**/*.workerd.test.ts", "node_modules/**"],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: "e2e",
          include: ["e2e/**/*.test.ts"],
          testTimeout: 240_000,
          hookTimeout: 240_000,
          fileParallelism: false,
        },
      },
      { extends: "./edge/vitest.workers.config.ts", root: "." },
    ],
  },
});
