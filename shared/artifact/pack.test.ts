import { describe, expect, it } from "vitest";
import { ArtifactError } from "../errors.ts";
import { decodePack, encodePack, PACK_HEADER_BYTES } from "./pack.ts";

const m = { rows: 3, dim: 4, data: Float32Array.from([0.5, -1, 2, 0, 1, 1, 1, 1, -3, 0.25, 0, 7]) };

const checkOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ArtifactError);
    return (e as ArtifactError).check;
  }
  throw new Error("expected an ArtifactError");
};

describe("embedding pack", () => {
  it("round-trips float32 exactly", () => {
    const bytes = encodePack(m);
    expect(bytes.byteLength).toBe(PACK_HEADER_BYTES + 48);
    expect(String.fromCharCode(...bytes.subarray(0, 4))).toBe("ERPK");
    const back = decodePack(bytes);
    expect(back.dtype).toBe("float32");
    expect(Array.from(back.data)).toEqual(Array.from(m.data));
  });

  it("round-trips int8 within a per-row quantisation step", () => {
    const back = decodePack(encodePack(m, "int8"));
    expect(back.dtype).toBe("int8");
    for (let r = 0; r < 3; r++) {
      const max = Math.max(...Array.from(m.data.subarray(r * 4, r * 4 + 4), Math.abs));
      for (let c = 0; c < 4; c++) expect(Math.abs(back.data[r * 4 + c]! - m.data[r * 4 + c]!)).toBeLessThanOrEqual(max / 254 + 1e-6);
    }
  });

  it("reads a pack at an unaligned offset", () => {
    const bytes = encodePack(m);
    const shifted = new Uint8Array(bytes.byteLength + 1);
    shifted.set(bytes, 1);
    expect(Array.from(decodePack(shifted.subarray(1)).data)).toEqual(Array.from(m.data));
  });

  it("refuses bad magic, version, dtype, reserved byte, truncation and non-finite values, naming the check", () => {
    const bytes = encodePack(m);
    expect(checkOf(() => decodePack(bytes.subarray(0, 10)))).toBe("size");
    expect(checkOf(() => decodePack(bytes.subarray(0, bytes.length - 1)))).toBe("size");
    const magic = bytes.slice();
    magic[0] = 0;
    expect(checkOf(() => decodePack(magic))).toBe("magic");
    const version = bytes.slice();
    version[4] = 9;
    expect(checkOf(() => decodePack(version))).toBe("version");
    const dtype = bytes.slice();
    dtype[6] = 7;
    expect(checkOf(() => decodePack(dtype))).toBe("dtype");
    const reserved = bytes.slice();
    reserved[7] = 1;
    expect(checkOf(() => decodePack(reserved))).toBe("reserved");
    const nan = encodePack({ rows: 1, dim: 1, data: Float32Array.from([Number.NaN]) });
    expect(checkOf(() => decodePack(nan))).toBe("values");
  });
});
