// Opens index.hnsw in the Worker with hnsw.wasm imported as a module (wrangler's CompiledWasm rule): Workers may
// not compile WebAssembly bytes at run time.

import hnswModule from "../../shared/ann/wasm/hnsw.wasm";
import { hnswOpener } from "../app/hnsw-opener.ts";

export const openHnsw = hnswOpener(() => hnswModule);
