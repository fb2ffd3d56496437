// Runs the AnnIndex contract against the exact index, plus its own format checks.

import { describe, expect, it } from "vitest";
import { annContract } from "./contract.case.ts";
import { AnnError } from "./errors.ts";
import { ExactIndex } from "./exact.ts";

annContract("exact", {
  create: async (opts) => new ExactIndex(opts),
  deserialize: async (bytes) => ExactIndex.deserialize(bytes),
});

describe("ExactIndex format", () => {
  it("refuses a wrong magic and a wrong version", () => {
    const index = new ExactIndex({ space: "ip", dim: 2 });
    index.add([1, 2], 0);
    const bytes = index.serialize();
    const magic = bytes.slice();
    magic[0] = 0;
    expect(() => ExactIndex.deserialize(magic)).toThrow(/magic/);
    const version = bytes.slice();
    version[4] = 9;
    expect(() => ExactIndex.deserialize(version)).toThrow(AnnError);
  });
});
