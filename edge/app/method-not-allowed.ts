// 405 for a path that exists with other methods: the app's route table (Hono's `app.routes`) compiled once into
// path patterns, so `GET /v1/tenants/t/recommendations` answers 405 with `Allow: POST` instead of 404.

import type { Hono } from "hono";

interface PathRoute {
  re: RegExp;
  methods: Set<string>;
}

/** Hono path → RegExp: `:name{re}` keeps its pattern, `:name` is one segment, `*` anything. */
export function pathPattern(path: string): RegExp {
  let out = "";
  for (const part of path.split("/").slice(1)) {
    out += "/";
    const m = /^:(\w+)(?:\{(.+)\})?$/.exec(part);
    if (m) out += m[2] ? `(?:${m[2]})` : "[^/]+";
    else if (part === "*") out += ".*";
    else out += part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${out}$`);
}

export function methodMatcher(app: Hono): (path: string) => string[] {
  let table: PathRoute[] | null = null;
  return (path) => {
    if (!table) {
      const byPath = new Map<string, PathRoute>();
      for (const r of app.routes) {
        if (r.method === "ALL") continue; // middleware
        const entry = byPath.get(r.path) ?? { re: pathPattern(r.path), methods: new Set<string>() };
        entry.methods.add(r.method);
        byPath.set(r.path, entry);
      }
      table = [...byPath.values()];
    }
    const allowed = new Set<string>();
    for (const t of table) if (t.re.test(path)) for (const m of t.methods) allowed.add(m);
    if (allowed.has("GET")) allowed.add("HEAD");
    return [...allowed].sort();
  };
}
