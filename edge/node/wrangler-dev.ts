// Starts `wrangler dev` (the Worker in local workerd, offline, with local R2/KV under `--persist-to`) on a free
// port for e2e tests and bench:edge, waits until it answers, and stops it.

import { type ChildProcess, spawn } from "node:child_process";
import type { DevServer, DevServerOptions } from "../../shared/store/edge-host.ts";
import { freePort } from "./redis-process.ts";

export type WranglerDev = DevServer;

export async function startWranglerDev(opts: DevServerOptions): Promise<WranglerDev> {
  const port = opts.port ?? (await freePort());
  const args = ["wrangler", "dev", "--ip", "127.0.0.1", "--port", String(port), "--persist-to", opts.persistTo, "--show-interactive-dev-session=false", "--inspector-port", String(await freePort())];
  for (const [k, v] of Object.entries(opts.vars ?? {})) args.push("--var", `${k}:${v}`);
  const proc: ChildProcess = spawn("npx", args, {
    cwd: opts.cwd,
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "1", NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let out = "";
  proc.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  proc.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const stop = () =>
    new Promise<void>((resolve) => {
      if (proc.exitCode !== null || proc.pid === undefined) return resolve();
      proc.once("exit", () => resolve());
      try {
        process.kill(-proc.pid, "SIGTERM"); // the whole group: npx, wrangler and workerd
      } catch {
        resolve();
      }
    });
  const deadline = Date.now() + (opts.timeoutMs ?? 90_000);
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`wrangler dev exited (${proc.exitCode}):\n${out.slice(-2000)}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) return { url, stop, log: () => out };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await stop();
  throw new Error(`wrangler dev did not answer within ${opts.timeoutMs ?? 90_000} ms:\n${out.slice(-2000)}`);
}
