// Drives an edge endpoint at a fixed request rate with autocannon and reports latency percentiles from every
// response (p50/p95/p99; autocannon's own summary has no p95) and errors (non-2xx, timeouts, socket errors).

import autocannon from "autocannon";

export interface LoadResult {
  requests: number;
  rps: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  errors: number;
  statusCounts: Record<string, number>;
}

export interface LoadOptions {
  url: string;
  rate: number;
  seconds: number;
  connections?: number;
  method: "POST" | "GET";
  path: string;
  headers: Record<string, string>;
  /** The body of the next request (called once per request). */
  nextBody: () => string;
}

const pct = (sorted: number[], p: number): number => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : NaN);

export async function driveLoad(o: LoadOptions): Promise<LoadResult> {
  const times: number[] = [];
  const statusCounts: Record<string, number> = {};
  const instance = autocannon({
    url: o.url,
    connections: o.connections ?? 16,
    overallRate: o.rate,
    duration: o.seconds,
    timeout: 10,
    requests: [{ method: o.method, path: o.path, headers: o.headers, setupRequest: (req: Record<string, unknown>) => ({ ...req, body: o.nextBody() }) }],
  });
  instance.on("response", (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    times.push(responseTime);
    statusCounts[statusCode] = (statusCounts[statusCode] ?? 0) + 1;
  });
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    instance.on("done", resolve);
    instance.on("error", reject);
  });
  times.sort((a, b) => a - b);
  const r2 = (x: number) => Math.round(x * 100) / 100;
  return {
    requests: times.length,
    rps: r2(times.length / o.seconds),
    p50Ms: r2(pct(times, 50)),
    p95Ms: r2(pct(times, 95)),
    p99Ms: r2(pct(times, 99)),
    maxMs: r2(times[times.length - 1] ?? NaN),
    errors: result.non2xx + result.errors + result.timeouts,
    statusCounts,
  };
}
