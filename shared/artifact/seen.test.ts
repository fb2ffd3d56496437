// seen.bin: the layout round-trips, and every check of the reader refuses with a message naming what failed.

import { describe, expect, it } from "vitest";
import { ArtifactError } from "../errors.ts";
import { SEEN_HEADER_BYTES, buildSeenList, decodeSeen, encodeSeen, hasRow, seenBytes, seenRowsOf } from "./seen.ts";

const valid = () => encodeSeen(buildSeenList(3, 10, [2, 0, 0, 2, 2, 0], [9, 4, 1, 0, 9, 4]));
const u32 = (b: Uint8Array, at: number, v: number) => (new DataView(b.buffer).setUint32(at, v, true), b);
const offsetAt = (u: number) => SEEN_HEADER_BYTES + 4 * u;
const rowAt = (users: number, k: number) => SEEN_HEADER_BYTES + 4 * (users + 1) + 4 * k;

function refused(bytes: Uint8Array, message: RegExp): void {
  let error: unknown;
  try {
    decodeSeen(bytes);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ArtifactError);
  expect((error as ArtifactError).check).toBe("seen");
  expect((error as Error).message).toMatch(message);
}

describe("seen.bin", () => {
  it("round-trips: rows sorted and deduplicated per user, users in order, exact byte length", () => {
    const bytes = valid();
    expect(bytes.byteLength).toBe(seenBytes(3, 4));
    expect(new TextDecoder().decode(bytes.subarray(0, 4))).toBe("ERSN");
    const s = decodeSeen(bytes);
    expect([s.users, s.items]).toEqual([3, 10]);
    expect(Array.from(seenRowsOf(s, 0))).toEqual([1, 4]);
    expect(Array.from(seenRowsOf(s, 1))).toEqual([]);
    expect(Array.from(seenRowsOf(s, 2))).toEqual([0, 9]);
    expect([hasRow(seenRowsOf(s, 2), 9), hasRow(seenRowsOf(s, 2), 4)]).toEqual([true, false]);
    // A view at an odd offset reads the same.
    const shifted = new Uint8Array(bytes.byteLength + 1);
    shifted.set(bytes, 1);
    expect(decodeSeen(shifted.subarray(1)).rows).toEqual(s.rows);
  });

  it("refuses each inconsistency, naming the check", () => {
    refused(valid().subarray(0, 10), /shorter than the 20-byte header/);
    refused(u32(valid(), 0, 0x4b505245), /magic is not ERSN/);
    refused(new Uint8Array([...valid().subarray(0, 4), 2, 0, ...valid().subarray(6)]), /format version 2/);
    refused(new Uint8Array([...valid().subarray(0, 6), 1, 0, ...valid().subarray(8)]), /reserved/);
    refused(valid().subarray(0, valid().byteLength - 4), /byte length/);
    refused(new Uint8Array([...valid(), 0, 0, 0, 0]), /byte length/);
    refused(u32(valid(), 8, 0xffffffff), /byte length/); // users = 2^32−1: no allocation, just a length mismatch
    refused(u32(valid(), 16, 0xffffffff), /byte length/);
    refused(u32(valid(), offsetAt(0), 1), /offsets\[0\] is 1/);
    refused(u32(valid(), offsetAt(1), 3), /not monotonic at user 1/);
    refused(u32(valid(), offsetAt(1), 9), /above nnz 4/);
    refused(u32(valid(), offsetAt(3), 3), /offsets end at 3/);
    refused(u32(valid(), rowAt(3, 3), 10), /item row 10, not below the item count 10/);
    refused(u32(valid(), rowAt(3, 1), 0), /not strictly increasing/);
  });
});
