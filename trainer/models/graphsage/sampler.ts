// Neighbour sampling for GraphSAGE mini-batches: a fixed number of neighbours per node, drawn uniformly with
// replacement from the node's CSR row (seeded), so a batch's size depends only on the batch and the fan-outs,
// never on the graph. A node without neighbours gets padding (index 0, mask 0) that the mean aggregator ignores.

import type { Csr } from "../../../shared/data/csr.ts";
import type { Rng } from "../../../shared/random.ts";

export interface Sampled {
  /** nodes.length × fanout neighbour rows (of the other side of the graph), row-major. */
  idx: Int32Array;
  /** 1 for a real neighbour, 0 for padding. */
  mask: Float32Array;
}

export function sampleNeighbours(adj: Csr, nodes: Int32Array, fanout: number, rng: Rng): Sampled {
  const idx = new Int32Array(nodes.length * fanout);
  const mask = new Float32Array(nodes.length * fanout);
  for (let r = 0; r < nodes.length; r++) {
    const node = nodes[r]!;
    const start = adj.indptr[node]!;
    const deg = adj.indptr[node + 1]! - start;
    if (deg === 0) continue;
    const o = r * fanout;
    for (let f = 0; f < fanout; f++) {
      idx[o + f] = adj.indices[start + (deg <= fanout ? f % deg : rng.int(deg))]!;
      mask[o + f] = deg <= fanout && f >= deg ? 0 : 1;
    }
  }
  return { idx, mask };
}

/** A two-hop computation tree for target nodes: hop 1 on the other side, hop 2 back on the targets' side. */
export interface Tree {
  targets: Int32Array;
  hop1: Sampled;
  hop2: Sampled;
}

export function sampleTree(own: Csr, other: Csr, targets: Int32Array, fanouts: readonly [number, number], rng: Rng): Tree {
  const hop1 = sampleNeighbours(own, targets, fanouts[0], rng);
  const hop2 = sampleNeighbours(other, hop1.idx, fanouts[1], rng);
  return { targets, hop1, hop2 };
}
