// The Node host as its own process for the benches (`tsx edge/node/server.ts`), waited for through /healthz and
// stopped with its process group.

import { spawn } from "node:child_process";
import { openSync } from "node:fs";
import { freePort } from "../edge/node/redis-process.ts";

export interface NodeHostProcess {
  url: string;
  stop(): Promise<void>;
}

export async function startNodeHostProcess(o: { repo: string; state: string; redisUrl?: string }): Promise<NodeHostProcess> {
  const port = await freePort();
  const env = { ...process.env };
  if (o.redisUrl) env.REDIS_URL = o.redisUrl;
  else delete env.REDIS_URL;
  // EDGE_BENCH_TRACE_GC=FILE: the host runs with --trace-gc, its stdout (one line per GC pause) into FILE.
  const traceGc = process.env.EDGE_BENCH_TRACE_GC;
  const stdout = traceGc ? openSync(traceGc, "w") : "ignore";
  const proc = spawn("npx", ["tsx", ...(traceGc ? ["--trace-gc"] : []), "edge/node/server.ts", "--port", String(port), "--state", o.state], { cwd: o.repo, env, stdio: ["ignore", stdout, "pipe"], detached: true });
  const stop = async () => {
    if (proc.pid !== undefined && proc.exitCode === null) {
      const exited = new Promise((r) => proc.once("exit", r));
      process.kill(-proc.pid, "SIGTERM");
      await exited;
    }
  };
  const url = `http://127.0.0.1:${port}`;
  try {
    for (let i = 0; ; i++) {
      if (proc.exitCode !== null) throw new Error("the Node host exited");
      if (await fetch(`${url}/healthz`).then((r) => r.ok, () => false)) break;
      if (i > 300) throw new Error("the Node host did not start within 60 s");
      await new Promise((r) => setTimeout(r, 200));
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return { url, stop };
}
