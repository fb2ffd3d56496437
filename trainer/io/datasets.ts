// Where the reference data sets live on a developer's machine or CI: MovieLens 100K sits beside the repository
// at ../shared/data/ml-100k (never inside it), or wherever EDGEREC_ML100K points.

import { existsSync } from "node:fs";
import { join, resolve } from "node:path";

/** The ml-100k directory: $EDGEREC_ML100K, else `<repo>/../shared/data/ml-100k`. It may not exist. */
export function ml100kDir(): string {
  return process.env.EDGEREC_ML100K ?? resolve(import.meta.dirname, "../../../shared/data/ml-100k");
}

/** The ml-100k directory when it holds u.data, else undefined (callers skip with a message that names the path). */
export function findMl100k(): string | undefined {
  const dir = ml100kDir();
  return existsSync(join(dir, "u.data")) ? dir : undefined;
}
