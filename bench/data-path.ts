// Where benchmarks and tests find MovieLens-100k: ../shared/data/ml-100k beside the checkout, or $EDGEREC_ML100K.

import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { resolve } from "node:path";

export function ml100kPath(): string {
  const path = process.env.EDGEREC_ML100K ?? resolve(fileURLToPath(import.meta.url), "../../../shared/data/ml-100k");
  if (!existsSync(path)) throw new Error(`MovieLens-100k not found at ${path}; set EDGEREC_ML100K`);
  return path;
}
