// The layering of the repository (DESIGN.md "Runtimes and where code lives"), checked on every import of every
// non-test source file: shared/ is runtime-agnostic (no Node, Workers or DOM, nothing of edge/, trainer/, web/);
// edge/app and edge/worker build into the Worker (no Node); trainer/ imports nothing of edge/ — the CLI gets the
// edge's Node side as the EdgeHost port (shared/store/edge-host.ts) from its composition root, bin/edgerec.mjs. Tests, contract suites and `testing/` helpers may import anything, as may bench/ and e2e/.

import { readFileSync, readdirSync } from "node:fs";
import { builtinModules } from "node:module";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "..");
const NODE_BUILTINS = new Set(builtinModules);
/** Packages that need a browser (DOM, IndexedDB, WebGL) or a Node process; shared/ must run without either. */
const DOM_ONLY_PACKAGES = ["idb", "fake-indexeddb", "@tensorflow/tfjs-backend-webgl"];
const NODE_ONLY_PACKAGES = ["ioredis", "miniflare", "wrangler", "vite", "playwright-core", "hnswlib-node", "@hono/node-server", "hyparquet-writer"];
/** Globals of one runtime only, as identifiers (comments and property names do not count). */
const DOM_GLOBALS = new Set(["document", "window", "localStorage", "sessionStorage", "indexedDB", "customElements", "HTMLElement"]);
const NODE_GLOBALS = new Set(["process", "Buffer", "__dirname", "__filename", "require"]);

const isTestCode = (file: string): boolean => /\.(test|case)\.ts$/.test(file) || file.split("/").includes("testing");

function sourceFiles(dir: string): string[] {
  return (readdirSync(path.join(ROOT, dir), { recursive: true }) as string[])
    .map((f) => path.posix.join(dir, f.split(path.sep).join("/")))
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts") && !f.includes("node_modules/") && !isTestCode(f));
}

/** What an import specifier names: a repository file (relative to the root), a Node builtin, or a package. */
type ImportTarget = { kind: "file"; path: string } | { kind: "node" } | { kind: "cloudflare" } | { kind: "package"; name: string };

function classifyImport(fromFile: string, specifier: string): ImportTarget {
  const spec = specifier.split("?")[0]!;
  if (spec.startsWith(".")) return { kind: "file", path: path.posix.normalize(path.posix.join(path.posix.dirname(fromFile), spec)) };
  if (spec.startsWith("node:") || NODE_BUILTINS.has(spec) || NODE_BUILTINS.has(spec.split("/")[0]!)) return { kind: "node" };
  if (spec.startsWith("cloudflare:")) return { kind: "cloudflare" };
  const parts = spec.split("/");
  return { kind: "package", name: spec.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]! };
}

/** Every import of a file: static, `export … from`, `import type`, and dynamic `import("…")`. */
function importsOf(text: string): string[] {
  return ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
}

/** Identifiers in `names` used as values (not property names, declarations' own names, or text in comments). */
function globalsUsed(text: string, names: ReadonlySet<string>): string[] {
  const found = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node) && names.has(node.text)) {
      const p = node.parent;
      const isName =
        (ts.isPropertyAccessExpression(p) && p.name === node) ||
        ((ts.isPropertyAssignment(p) || ts.isPropertySignature(p) || ts.isPropertyDeclaration(p) || ts.isMethodDeclaration(p)) && p.name === node) ||
        ((ts.isVariableDeclaration(p) || ts.isParameter(p) || ts.isBindingElement(p)) && p.name === node) ||
        ts.isQualifiedName(p);
      if (!isName) found.add(node.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(ts.createSourceFile("x.ts", text, ts.ScriptTarget.ES2022, true));
  return [...found];
}

type Rule = (file: string, target: ImportTarget) => string | null;

const underAny = (p: string, dirs: string[]): string | undefined => dirs.find((d) => p === d || p.startsWith(d + "/"));

const runtimeAgnostic: Rule = (_file, t) => {
  if (t.kind === "node") return "a Node builtin";
  if (t.kind === "cloudflare") return "a cloudflare: module";
  if (t.kind === "package" && DOM_ONLY_PACKAGES.includes(t.name)) return `the browser-only package ${t.name}`;
  if (t.kind === "package" && NODE_ONLY_PACKAGES.includes(t.name)) return `the Node-only package ${t.name}`;
  if (t.kind === "file") {
    const d = underAny(t.path, ["edge", "trainer", "web", "bench", "e2e"]);
    if (d) return `${d}/ (shared/ imports only shared/ and pure packages)`;
  }
  return null;
};

const workerBuildable: Rule = (file, t) => {
  if (t.kind === "node") return "a Node builtin (edge/app and edge/worker build into the Worker)";
  if (t.kind === "package" && NODE_ONLY_PACKAGES.includes(t.name)) return `the Node-only package ${t.name}`;
  if (t.kind === "file") {
    const d = underAny(t.path, ["trainer", "web", "bench", "e2e", "edge/node", "edge/testing", ...(file.startsWith("edge/app/") ? ["edge/worker"] : [])]);
    if (d) return `${d}/`;
  }
  return null;
};

const trainerOutsideEdge: Rule = (_file, t) => {
  if (t.kind !== "file") return null;
  if (t.path.startsWith("edge/")) return `${t.path} (the trainer gets the edge as the EdgeHost port, shared/store/edge-host.ts; shared data shapes are in shared/store/)`;
  const d = underAny(t.path, ["web", "bench", "e2e"]);
  return d ? `${d}/` : null;
};

function violations(dirs: string[], rule: Rule, globals?: ReadonlySet<string>): { files: number; imports: number; found: string[] } {
  const found: string[] = [];
  let files = 0;
  let imports = 0;
  for (const dir of dirs) {
    for (const file of sourceFiles(dir)) {
      files++;
      const text = readFileSync(path.join(ROOT, file), "utf8");
      for (const spec of importsOf(text)) {
        imports++;
        const why = rule(file, classifyImport(file, spec));
        if (why) found.push(`${file} imports '${spec}': ${why}`);
      }
      if (globals) for (const g of globalsUsed(text, globals)) found.push(`${file} uses the global '${g}'`);
    }
  }
  return { files, imports, found };
}

describe("layering", () => {
  it("shared/ imports nothing of Node, Workers, the DOM, edge/, trainer/ or web/, and uses no Node or DOM globals", () => {
    const r = violations(["shared"], runtimeAgnostic, new Set([...DOM_GLOBALS, ...NODE_GLOBALS]));
    expect(r.files).toBeGreaterThan(50);
    expect(r.imports).toBeGreaterThan(100);
    expect(r.found).toEqual([]);
  });

  it("edge/app and edge/worker import no Node builtins and nothing of the Node host, trainer/ or web/", () => {
    const r = violations(["edge/app", "edge/worker"], workerBuildable);
    expect(r.files).toBeGreaterThan(30);
    expect(r.found).toEqual([]);
  });

  it("trainer/ imports nothing of edge/ (the EdgeHost port comes from bin/edgerec.mjs)", () => {
    const r = violations(["trainer"], trainerOutsideEdge);
    expect(r.files).toBeGreaterThan(30);
    expect(r.imports).toBeGreaterThan(100);
    expect(r.found).toEqual([]);
  });

  it("the checks catch what they are meant to catch", () => {
    const src = [
      `import { a } from "../../edge/node/fs-stores.ts";`,
      `import type { B } from "../../edge/app/ports.ts";`,
      `export { c } from "../../web/widget/x.ts";`,
      `const m = await import("node:fs");`,
      `import "path";`,
      `import { d } from "cloudflare:sockets";`,
      `import { openDB } from "idb";`,
      `// document.title in a comment does not count`,
      `const o = { window: 1 }; o.window; const x = process.env.X + document.title;`,
    ].join("\n");
    const specs = importsOf(src);
    expect(specs).toEqual(["../../edge/node/fs-stores.ts", "../../edge/app/ports.ts", "../../web/widget/x.ts", "node:fs", "path", "cloudflare:sockets", "idb"]);
    const trainer = specs.map((s) => trainerOutsideEdge("trainer/cli/x.ts", classifyImport("trainer/cli/x.ts", s)));
    expect(trainer.map((w) => w !== null)).toEqual([true, true, true, false, false, false, false]);
    expect(trainerOutsideEdge("trainer/x.ts", classifyImport("trainer/x.ts", "../edge/node/index.ts"))).not.toBeNull();
    expect(trainerOutsideEdge("trainer/x.ts", classifyImport("trainer/x.ts", "../shared/store/edge-host.ts"))).toBeNull();
    const shared = specs.map((s) => runtimeAgnostic("shared/x/y.ts", classifyImport("shared/x/y.ts", s)));
    expect(shared.every((w) => w !== null)).toBe(true);
    expect(runtimeAgnostic("shared/x/y.ts", classifyImport("shared/x/y.ts", "../artifact/pack.ts"))).toBeNull();
    expect(runtimeAgnostic("shared/x/y.ts", classifyImport("shared/x/y.ts", "zod/mini"))).toBeNull();
    expect(workerBuildable("edge/app/x.ts", classifyImport("edge/app/x.ts", "../worker/kv-cache.ts"))).not.toBeNull();
    expect(workerBuildable("edge/worker/x.ts", classifyImport("edge/worker/x.ts", "../app/ports.ts"))).toBeNull();
    expect(globalsUsed(src, new Set([...DOM_GLOBALS, ...NODE_GLOBALS])).sort()).toEqual(["document", "process"]);
  });
});
