// Opens index.hnsw on the Node host: hnsw.wasm is compiled once from the file and instantiated per model.

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { hnswOpener } from "../app/hnsw-opener.ts";

let compiled: WebAssembly.Module | undefined;

export function hnswModuleNode(): WebAssembly.Module {
  compiled ??= new WebAssembly.Module(readFileSync(fileURLToPath(new URL("../../shared/ann/wasm/hnsw.wasm", import.meta.url))));
  return compiled;
}

export const openHnswNode = hnswOpener(hnswModuleNode);
