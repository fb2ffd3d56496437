// neighbours.bin: quantisation keeps each row's order and scale, the layout round-trips, and every check of the
// reader refuses with a message naming what failed.

import { describe, expect, it } from "vitest";
import { ArtifactError } from "../errors.ts";
import {
  NEIGHBOURS_HEADER_BYTES,
  checkNeighboursFit,
  decodeNeighbours,
  encodeNeighbours,
  neighboursBytes,
  quantiseNeighbours,
} from "./neighbours.ts";

/** 4 items; row 1 is empty; the diagonal (0,0) and (2,2) is present, as itemNeighbours writes it. */
const csr = {
  rows: 4,
  indptr: Int32Array.of(0, 3, 3, 6, 7),
  indices: Int32Array.of(0, 2, 3, 0, 2, 3, 1),
  values: Float32Array.of(9, 0.5, 0.2, 0.08, 5, 0.2, 0.3),
};
const valid = (width: 1 | 2 = 1) => encodeNeighbours(quantiseNeighbours(csr, width));
const u32 = (b: Uint8Array, at: number, v: number) => (new DataView(b.buffer).setUint32(at, v, true), b);

function refused(bytes: Uint8Array, message: RegExp): void {
  let error: unknown;
  try {
    decodeNeighbours(bytes);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ArtifactError);
  expect((error as ArtifactError).check).toBe("neighbours");
  expect((error as Error).message).toMatch(message);
}

describe("neighbours.bin", () => {
  it("quantises per row without the diagonal: the row's largest entry is the top code, order kept", () => {
    const n = quantiseNeighbours(csr, 1);
    expect(Array.from(n.offsets)).toEqual([0, 2, 2, 4, 5]);
    expect(Array.from(n.columns)).toEqual([2, 3, 0, 3, 1]);
    expect(Array.from(n.values)).toEqual([255, 102, 102, 255, 255]);
    expect(n.scales[0]).toBeCloseTo(0.5 / 255, 8);
    expect(n.scales[1]).toBe(0);
    expect(n.columns).toBeInstanceOf(Uint16Array);
    const wide = quantiseNeighbours(csr, 2);
    expect(wide.values[1]! * wide.scales[0]!).toBeCloseTo(0.2, 4);
  });

  it("round-trips at both value widths, exact byte length", () => {
    for (const width of [1, 2] as const) {
      const bytes = valid(width);
      expect(bytes.byteLength).toBe(neighboursBytes(4, 5, 2, width));
      expect(new TextDecoder().decode(bytes.subarray(0, 4))).toBe("ERNB");
      const a = quantiseNeighbours(csr, width);
      const b = decodeNeighbours(bytes);
      expect(b.items).toBe(4);
      expect(Array.from(b.offsets)).toEqual(Array.from(a.offsets));
      expect(Array.from(b.columns)).toEqual(Array.from(a.columns));
      expect(Array.from(b.values)).toEqual(Array.from(a.values));
      expect(Array.from(b.scales)).toEqual(Array.from(a.scales));
      expect(checkNeighboursFit(b, 4)).toBe(b);
      expect(() => checkNeighboursFit(b, 5)).toThrow(/4 items, but items.json lists 5/);
    }
  });

  it("uses 32-bit columns above 65,536 items", () => {
    const rows = 70_000;
    const indptr = new Int32Array(rows + 1).fill(1, 1);
    const big = quantiseNeighbours({ rows, indptr, indices: Int32Array.of(69_999), values: Float32Array.of(1) });
    expect(big.columns).toBeInstanceOf(Uint32Array);
    expect(decodeNeighbours(encodeNeighbours(big)).columns[0]).toBe(69_999);
  });

  it("refuses bad bytes, naming the check", () => {
    refused(new Uint8Array(8), /shorter than the 16-byte header/);
    refused(u32(valid(), 0, 0), /magic is not ERNB/);
    const version = valid();
    version[4] = 9;
    refused(version, /format version 9/);
    const cw = valid();
    cw[6] = 3;
    refused(cw, /column width 3/);
    const vw = valid();
    vw[7] = 4;
    refused(vw, /value width 4/);
    refused(u32(valid(), 8, 70_000), /16-bit columns cannot name 70000 items/);
    refused(u32(valid(), 12, 0xffffffff), /byte length .* need/);
    refused(valid().subarray(0, 30), /byte length 30/);
    refused(u32(valid(), NEIGHBOURS_HEADER_BYTES, 1), /offsets\[0\] is 1/);
    refused(u32(valid(), NEIGHBOURS_HEADER_BYTES + 8, 0), /not monotonic at row 1/);
    refused(u32(valid(), NEIGHBOURS_HEADER_BYTES + 12, 9), /above nnz/);
    const scaleAt = NEIGHBOURS_HEADER_BYTES + 4 * 5;
    const nan = valid();
    new DataView(nan.buffer).setFloat32(scaleAt, Number.NaN, true);
    refused(nan, /row 0's scale NaN is not in/);
    const negative = valid();
    new DataView(negative.buffer).setFloat32(scaleAt + 4, -1, true);
    refused(negative, /row 1's scale -1/);
    const columnsAt = scaleAt + 4 * 4;
    const outside = valid();
    new DataView(outside.buffer).setUint16(columnsAt, 4, true);
    refused(outside, /column 4, not below the item count 4/);
    const unsorted = valid();
    new DataView(unsorted.buffer).setUint16(columnsAt, 3, true);
    refused(unsorted, /not strictly increasing at entry 1/);
  });

  it("refuses to quantise negative or non-finite values", () => {
    expect(() => quantiseNeighbours({ ...csr, values: Float32Array.of(1, -1, 0, 0, 0, 0, 0) })).toThrow(RangeError);
  });
});
