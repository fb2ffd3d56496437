// Typed errors of the ANN indexes: bad vectors, k, labels, capacity and index bytes each carry their own code.

import { EdgerecError } from "../errors.ts";

export type AnnErrorCode =
  | "ann_dimension" // vector length differs from the index dimension
  | "ann_bad_vector" // NaN or infinite component, or a zero vector for cosine
  | "ann_bad_k" // k not a positive integer
  | "ann_bad_label" // label not an integer in [0, 2^32)
  | "ann_unknown_label" // remove() of a label the index does not hold
  | "ann_capacity" // more points than the index was created for
  | "ann_bad_params" // dimension, capacity, M, ef out of range
  | "ann_corrupt_index" // truncated or inconsistent serialized bytes
  | "ann_disposed" // use after dispose()
  | "ann_internal"; // an unexpected failure inside the wasm module, with its message

/** One class for every ANN failure; `code` says which check failed, the message says what was wrong. */
export class AnnError extends EdgerecError {
  constructor(code: AnnErrorCode, message: string) {
    super(code, message, code === "ann_corrupt_index" ? 422 : code === "ann_internal" ? 500 : 400);
  }
}
