// An open-loop load generator: requests are sent at a fixed arrival rate (one every 1000/rate ms, whatever the
// server is doing), over keep-alive connections, and each latency is measured from the request's *scheduled* send
// time, so a stalled server or generator cannot hide delay (no coordinated omission). autocannon's `overallRate`
// is not this: each connection sends its per-second quota back to back and then waits for the next second, so
// requests arrive in bursts; wrk has no rate at all (wrk2, which has, is not packaged in Debian).

import { writeFileSync } from "node:fs";
import http from "node:http";
import { monitorEventLoopDelay } from "node:perf_hooks";

export interface LoadResult {
  requests: number;
  rps: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  errors: number;
  statusCounts: Record<string, number>;
  /** Transport errors by kind (the error's code: ECONNRESET, timeout, …), so a failure says what it was. */
  errorKinds: Record<string, number>;
  /**
   * The generator's own event-loop delay (perf_hooks), p99 and max in ms: a stall of the generating process (its GC,
   * other work in it) delays sends and receipts and is counted in the latencies above.
   */
  generatorLagMs: { p99: number; max: number };
  /** Latency percentiles per kind of request, when the options name kinds (`kindOf`). */
  byKind?: Record<string, { requests: number; p50Ms: number; p95Ms: number; p99Ms: number }>;
}

export interface LoadOptions {
  url: string;
  rate: number;
  seconds: number;
  method: "POST" | "GET";
  path: string;
  headers: Record<string, string>;
  /** The body of the next request (called once per request). */
  nextBody: () => string;
  timeoutMs?: number;
  /** Names the kind of a request from its body (e.g. which path a user takes), to report latency per kind. */
  kindOf?: (body: string) => string;
}

const pct = (sorted: number[], p: number): number => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : NaN);

export async function driveLoad(o: LoadOptions): Promise<LoadResult> {
  const target = new URL(o.path, o.url);
  // Idle keep-alive sockets are closed by the client after 1 s, before any server's idle timeout (Node's 5 s): a
  // socket the server is closing must never be picked for a request. That race (LIFO reuse left rarely used sockets
  // idle past the server's timeout) was bench:edge's occasional "socket hang up" / ECONNRESET (issue 13 finding 8).
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256, timeout: 1000, scheduling: "fifo" });
  const errorKinds: Record<string, number> = {};
  const times: number[] = [];
  const timesByKind = new Map<string, number[]>();
  const statusCounts: Record<string, number> = {};
  let errors = 0;
  const total = Math.round(o.rate * o.seconds);
  const interval = 1000 / o.rate;
  const pending: Promise<void>[] = [];
  /** EDGE_LOAD_TIMELINE=FILE: one line per response (scheduled ms from start, latency ms, kind), to see when stalls hit. */
  const timelineFile = process.env.EDGE_LOAD_TIMELINE;
  const timeline: string[] | null = timelineFile ? [] : null;
  let start = 0;

  const fire = (scheduled: number) =>
    new Promise<void>((resolve) => {
      const body = o.nextBody();
      const req = http.request(
        { agent, host: target.hostname, port: target.port, path: target.pathname + target.search, method: o.method, headers: { ...o.headers, "Content-Length": Buffer.byteLength(body) }, timeout: o.timeoutMs ?? 10_000 },
        (res) => {
          res.resume();
          res.on("end", () => {
            const ms = performance.now() - scheduled;
            times.push(ms);
            timeline?.push(`${(scheduled - start).toFixed(1)}\t${ms.toFixed(2)}\t${o.kindOf?.(body) ?? ""}`);
            if (o.kindOf) {
              const kind = o.kindOf(body);
              const list = timesByKind.get(kind);
              if (list) list.push(ms);
              else timesByKind.set(kind, [ms]);
            }
            const code = res.statusCode ?? 0;
            statusCounts[code] = (statusCounts[code] ?? 0) + 1;
            if (code < 200 || code >= 300) errors++;
            resolve();
          });
        },
      );
      req.on("timeout", () => req.destroy(new Error("timeout")));
      req.on("error", (e: NodeJS.ErrnoException) => {
        const kind = e.code ?? e.message.slice(0, 40);
        errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
        errors++;
        statusCounts.error = (statusCounts.error ?? 0) + 1;
        resolve();
      });
      req.end(body);
    });

  const lag = monitorEventLoopDelay({ resolution: 1 });
  lag.enable();
  start = performance.now();
  let sent = 0;
  await new Promise<void>((done) => {
    const tick = () => {
      const now = performance.now();
      while (sent < total && start + sent * interval <= now) pending.push(fire(start + sent++ * interval));
      if (sent >= total) return done();
      setTimeout(tick, Math.max(0, start + sent * interval - performance.now()));
    };
    tick();
  });
  await Promise.all(pending);
  const elapsed = (performance.now() - start) / 1000;
  agent.destroy();
  lag.disable();
  if (timeline && timelineFile) writeFileSync(timelineFile, timeline.join("\n") + "\n");
  times.sort((a, b) => a - b);
  const r2 = (x: number) => Math.round(x * 100) / 100;
  const byKind = o.kindOf
    ? Object.fromEntries(
        [...timesByKind].map(([k, t]) => {
          t.sort((a, b) => a - b);
          return [k, { requests: t.length, p50Ms: r2(pct(t, 50)), p95Ms: r2(pct(t, 95)), p99Ms: r2(pct(t, 99)) }];
        }),
      )
    : undefined;
  return {
    requests: times.length,
    rps: r2(times.length / elapsed),
    p50Ms: r2(pct(times, 50)),
    p95Ms: r2(pct(times, 95)),
    p99Ms: r2(pct(times, 99)),
    maxMs: r2(times[times.length - 1] ?? NaN),
    errors,
    statusCounts,
    errorKinds,
    generatorLagMs: { p99: r2(lag.percentile(99) / 1e6), max: r2(lag.max / 1e6) },
    ...(byKind ? { byKind } : {}),
  };
}
