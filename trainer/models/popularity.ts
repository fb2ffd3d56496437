// The popularity baseline: every user gets the items with the most interactions. The bar every model must clear.

import type { Csr } from "../../shared/data/csr.ts";

/** Interaction counts per item (column), from user→item rows. */
export function itemCounts(byUser: Csr): Float32Array {
  const counts = new Float32Array(byUser.cols);
  for (let k = 0; k < byUser.indices.length; k++) counts[byUser.indices[k]!]! += 1;
  return counts;
}
