// Starts a private redis-server on a free port (no persistence) for tests and benchmarks, and stops it.

import { type ChildProcess, spawn } from "node:child_process";
import net from "node:net";

export interface RedisProcess {
  url: string;
  port: number;
  stop(): Promise<void>;
  /** SIGKILLs the server (a crash, for fault tests); `startRedis(port)` brings one back on the same port. */
  kill(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export async function startRedis(fixedPort?: number): Promise<RedisProcess> {
  const port = fixedPort ?? (await freePort());
  const proc: ChildProcess = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("redis-server did not start within 10 s")), 10_000);
    proc.once("error", (e) => (clearTimeout(timer), reject(new Error(`cannot start redis-server: ${e.message}`))));
    proc.once("exit", (code) => (clearTimeout(timer), reject(new Error(`redis-server exited with code ${code}`))));
    proc.stdout!.on("data", (d: Buffer) => {
      if (d.toString().includes("Ready to accept connections")) (clearTimeout(timer), resolve());
    });
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: () => stopWith(proc, "SIGTERM"),
    kill: () => stopWith(proc, "SIGKILL"),
  };
}

function stopWith(proc: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  return new Promise((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
    proc.once("exit", () => resolve());
    proc.kill(signal);
  });
}
