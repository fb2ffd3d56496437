// Runs the Worker in workerd through Miniflare, without wrangler dev's proxy layer (wrangler dev puts a second
// workerd and the Node process in front of the Worker, which costs milliseconds per request on a small machine).
// The bundle is the one `wrangler deploy` would upload (`wrangler deploy --dry-run --outdir`), the bindings and
// persisted state are wrangler.toml's and `wrangler dev --persist-to`'s, so both serve the same data.

import { execFile } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { WRANGLER_RESOURCES } from "../worker/bindings.ts";
import { freePort } from "./redis-process.ts";

const exec = promisify(execFile);

export interface LocalWorker {
  url: string;
  stop(): Promise<void>;
}

export async function startLocalWorker(opts: { cwd: string; persistTo: string; vars?: Record<string, string>; /** Chrome DevTools Protocol port (profiling). */ inspectorPort?: number }): Promise<LocalWorker> {
  const out = await mkdtemp(path.join(tmpdir(), "edgerec-worker-build-"));
  await exec("npx", ["wrangler", "deploy", "--dry-run", "--outdir", out], { cwd: opts.cwd, env: { ...process.env, WRANGLER_SEND_METRICS: "false" } });
  const files = await readdir(out);
  const { Miniflare } = await import("miniflare");
  const port = await freePort();
  const mf = new Miniflare({
    host: "127.0.0.1",
    port,
    modulesRoot: out,
    modules: [
      { type: "ESModule", path: path.join(out, "index.js") },
      ...files.filter((f) => f.endsWith(".wasm")).map((f) => ({ type: "CompiledWasm" as const, path: path.join(out, f) })),
    ],
    compatibilityDate: "2026-04-01",
    compatibilityFlags: ["nodejs_compat"],
    defaultPersistRoot: path.join(opts.persistTo, "v3"),
    kvNamespaces: { CONFIG: WRANGLER_RESOURCES.config, EMBEDDINGS: WRANGLER_RESOURCES.embeddings },
    r2Buckets: { ARTIFACTS: WRANGLER_RESOURCES.bucket },
    bindings: { MODEL_BUDGET_MB: "96", CONFIG_TTL_SECONDS: "2", ...opts.vars },
    ...(opts.inspectorPort ? { inspectorPort: opts.inspectorPort } : {}),
  });
  await mf.ready;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      await mf.dispose();
      await rm(out, { recursive: true, force: true });
    },
  };
}
