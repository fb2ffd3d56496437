// The fuzzer of bench:chaos: every route of the edge API with valid, malformed, hostile and oversized input, sent
// over loopback with bounded concurrency; each request has a deadline (a request past it counts as a hang).

import { Rng } from "../../shared/random.ts";

export interface FuzzTarget {
  url: string;
  tenant: string;
  keys: { read: string; write: string; admin: string };
  items: string[];
  users: string[];
}

export interface FuzzResult {
  requests: number;
  status: Record<string, number>;
  "5xx": number;
  crashes: number;
  hangs: number;
  /** A few 5xx answers (method, path, status, body start) to say what failed. */
  samples5xx: string[];
  /** Transport errors (no HTTP answer) by kind and request, e.g. a connection the server closed on an unread body. */
  transportErrors: Record<string, number>;
}

interface Req {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng.next() * xs.length)]!;

const HOSTILE_STRINGS = ["", " ", "\u0000", "../../etc/passwd", "%2e%2e%2f", "a".repeat(300), "ü🙂\u202e", "null", "{}", "<script>", "x".repeat(70_000)];
const HOSTILE_NUMBERS = [0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 1, NaN, 1e20, 1_700_000_000, Date.now(), Date.now() + 1e12];

function hostileValue(rng: Rng, depth = 0): unknown {
  const r = rng.next();
  if (r < 0.25) return pick(rng, HOSTILE_STRINGS);
  if (r < 0.45) return pick(rng, HOSTILE_NUMBERS);
  if (r < 0.55) return rng.next() < 0.5;
  if (r < 0.6) return null;
  if (r < 0.8 && depth < 3) return Array.from({ length: Math.floor(rng.next() * 4) }, () => hostileValue(rng, depth + 1));
  if (depth < 3) return { [pick(rng, ["userId", "itemId", "count", "filters", "ts", "eventId", "__proto__", "constructor"])]: hostileValue(rng, depth + 1) };
  return "x";
}

/** Mutates a JSON text: cut it, flip a character, or nest it deeply. */
function breakJson(rng: Rng, text: string): string {
  const r = rng.next();
  if (r < 0.3) return text.slice(0, Math.floor(rng.next() * text.length));
  if (r < 0.6) {
    const at = Math.floor(rng.next() * Math.max(1, text.length));
    return text.slice(0, at) + pick(rng, ["{", "]", '"', "\\", ",", "\u0000"]) + text.slice(at + 1);
  }
  if (r < 0.8) return "[".repeat(5000) + "]".repeat(5000);
  return text + text;
}

export function makeRequest(rng: Rng, t: FuzzTarget): Req {
  const base = `/v1/tenants/${t.tenant}`;
  const keyPool = [t.keys.read, t.keys.write, t.keys.admin, "erk_wrong", ""];
  const key = rng.next() < 0.7 ? pick(rng, [t.keys.read, t.keys.write, t.keys.admin]) : pick(rng, keyPool);
  const headers: Record<string, string> = key ? { Authorization: rng.next() < 0.95 ? `Bearer ${key}` : pick(rng, [key, "Basic x", "Bearer", "Bearer a b"]) } : {};
  headers["Content-Type"] = "application/json";
  const user = rng.next() < 0.5 ? pick(rng, t.users) : "v:" + "0123456789abcdef".repeat(2);
  const item = pick(rng, t.items);
  const json = (v: unknown) => {
    const text = JSON.stringify(v) ?? "null";
    return rng.next() < 0.2 ? breakJson(rng, text) : text;
  };
  const route = Math.floor(rng.next() * 12);
  switch (route) {
    case 0:
    case 1: {
      const body = rng.next() < 0.5 ? { userId: user, count: 1 + Math.floor(rng.next() * 20), filters: rng.next() < 0.3 ? { includeCategories: ["cat1"] } : undefined } : hostileValue(rng);
      return { method: "POST", path: `${base}/recommendations`, headers, body: json(body) };
    }
    case 2: {
      const n = 1 + Math.floor(rng.next() * 3);
      const body =
        rng.next() < 0.6
          ? Array.from({ length: n }, () => ({ userId: user, itemId: item, type: pick(rng, ["view", "click", "purchase"]), ts: rng.next() < 0.5 ? Date.now() - 1000 : pick(rng, HOSTILE_NUMBERS), eventId: `fz-${Math.floor(rng.next() * 1e9)}` }))
          : hostileValue(rng);
      return { method: "POST", path: `${base}/events`, headers, body: json(body) };
    }
    case 3:
      return { method: "GET", path: `${base}/items/${encodeURIComponent(rng.next() < 0.7 ? item : String(pick(rng, HOSTILE_STRINGS)).slice(0, 400))}/similar?count=${pick(rng, ["5", "0", "-1", "abc", "1e9", "100"])}`, headers };
    case 4:
      return { method: "GET", path: `${base}/artifacts/${pick(rng, ["v1", "v9", "active", "..", "%2e%2e"])}/${pick(rng, ["items.bin", "items.json", "manifest.json", "users.bin", "index.hnsw", "a".repeat(300), "..%2Fx", "model/x.bin"])}`, headers };
    case 5:
      return { method: "GET", path: `${base}/artifacts/active/manifest.json`, headers: { ...headers, "If-None-Match": pick(rng, ['"x"', "*", ""]) } };
    case 6: {
      const size = pick(rng, [0, 10, 4096, 300_000]);
      return { method: "PUT", path: `${base}/artifacts/fz-${Math.floor(rng.next() * 50)}/${pick(rng, ["items.bin", "index.hnsw", "manifest.json", "x".repeat(200), ".hidden"])}`, headers, body: new Uint8Array(size).fill(Math.floor(rng.next() * 256)) };
    }
    case 7:
      return { method: "POST", path: `${base}/versions/${pick(rng, ["v1", "fz-1", "nope", "active", "..", "a".repeat(100)])}/activate`, headers, body: json(hostileValue(rng)) };
    case 8: {
      const body = rng.next() < 0.5 ? { tenant_id: t.tenant, user_id: user, count: 3 } : { tenant_id: pick(rng, [t.tenant, "other", "../x", 42]), ...(hostileValue(rng) as object) };
      return { method: "POST", path: "/internal/ml/recommendations", headers, body: json(body) };
    }
    case 9:
      return { method: pick(rng, ["DELETE", "PATCH", "GET", "OPTIONS", "HEAD"]), path: `${base}/${pick(rng, ["recommendations", "events", "versions/v1/activate"])}`, headers };
    case 10:
      return { method: "GET", path: pick(rng, ["/healthz", "/", "/v1", `/v1/tenants/${encodeURIComponent(String(pick(rng, HOSTILE_STRINGS)).slice(0, 100))}/recommendations`, "/v1/tenants//events"]), headers };
    default:
      return { method: "POST", path: `${base}/recommendations`, headers, body: "x".repeat(pick(rng, [300_000, 1_000_000])) };
  }
}

export async function fuzz(t: FuzzTarget, total: number, opts: { seed: number; concurrency: number; deadlineMs: number; alive: () => boolean }): Promise<FuzzResult> {
  const rng = new Rng(opts.seed);
  const res: FuzzResult = { requests: 0, status: {}, "5xx": 0, crashes: 0, hangs: 0, samples5xx: [], transportErrors: {} };
  let next = 0;
  const worker = async () => {
    while (next < total) {
      next++;
      const r = makeRequest(rng, t);
      res.requests++;
      try {
        const answer = await fetch(t.url + r.path, {
          method: r.method,
          headers: r.headers,
          body: r.method === "GET" || r.method === "HEAD" ? undefined : (r.body as BodyInit | undefined),
          signal: AbortSignal.timeout(opts.deadlineMs),
        });
        const text = await answer.text();
        res.status[answer.status] = (res.status[answer.status] ?? 0) + 1;
        if (answer.status >= 500) {
          res["5xx"]++;
          if (res.samples5xx.length < 5) res.samples5xx.push(`${r.method} ${r.path.slice(0, 80)} ${answer.status} ${text.slice(0, 120)}`);
        }
      } catch (e) {
        const name = (e as Error).name;
        if (name === "TimeoutError" || name === "AbortError") res.hangs++;
        else if (!opts.alive()) res.crashes++;
        else {
          res.status.error = (res.status.error ?? 0) + 1;
          const cause = (e as { cause?: { code?: string; message?: string } }).cause;
          const size = typeof r.body === "string" ? r.body.length : (r.body?.byteLength ?? 0);
          const kind = `${cause?.code ?? cause?.message?.slice(0, 30) ?? (e as Error).message.slice(0, 30)} ${r.method} ${size >= 256 * 1024 ? "oversized body" : "body " + size}`;
          res.transportErrors[kind] = (res.transportErrors[kind] ?? 0) + 1;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  if (!opts.alive()) res.crashes = Math.max(1, res.crashes);
  return res;
}
