// The committed hnsw.wasm is what build.sh produces from the committed sources (checked when emcc is installed,
// as in CI), and it asks its host only for the imports the loader provides.

import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { HNSW_WASM_PATH, hnswWasmModule } from "../../../trainer/io/hnsw-wasm-node.ts";

const hasEmcc = (() => {
  try {
    execFileSync("emcc", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

describe("hnsw.wasm", () => {
  it("imports only the filter callback, the growth notice and WASI stubs", () => {
    const imports = WebAssembly.Module.imports(hnswWasmModule()).map((i) => `${i.module}.${i.name}`).sort();
    expect(imports).toEqual(
      [
        "env.edgerec_filter",
        "env.emscripten_notify_memory_growth",
        ...["environ_get", "environ_sizes_get", "fd_close", "fd_read", "fd_seek", "fd_write", "proc_exit"].map((n) => `wasi_snapshot_preview1.${n}`),
      ].sort(),
    );
  });

  it.skipIf(!hasEmcc)("matches a fresh build by shared/ann/wasm/build.sh byte for byte", () => {
    const dir = mkdtempSync(join(tmpdir(), "edgerec-wasm-"));
    try {
      const out = join(dir, "hnsw.wasm");
      execFileSync("bash", [join(import.meta.dirname, "build.sh"), out], { stdio: "pipe" });
      const rebuilt = readFileSync(out);
      const committed = readFileSync(HNSW_WASM_PATH);
      expect(rebuilt.length).toBe(committed.length);
      expect(rebuilt.equals(committed), "hnsw.wasm differs from a rebuild: run npm run build:wasm and commit").toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
