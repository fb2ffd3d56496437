// The backend chooser in Node: wasm from the package's own binaries by default, cpu on request, clear reasons.

import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, it } from "vitest";
import { chooseBackend, currentBackend, probeBackends } from "./backend.ts";

describe("chooseBackend (Node)", () => {
  it("probes all four backends and finds no GPU outside a browser", async () => {
    const probes = await probeBackends();
    expect(probes.map((p) => p.name)).toEqual(["webgpu", "webgl", "wasm", "cpu"]);
    expect(probes.find((p) => p.name === "webgpu")).toMatchObject({ available: false, detail: "navigator.gpu is missing" });
    expect(probes.find((p) => p.name === "wasm")?.available).toBe(true);
  });

  it("auto picks wasm and says why the GPU backends were passed over", async () => {
    const choice = await chooseBackend();
    expect(choice.name).toBe("wasm");
    expect(choice.label).toBe("tfjs-wasm");
    expect(tf.getBackend()).toBe("wasm");
    expect(choice.reason).toMatch(/^webgpu: navigator\.gpu is missing; webgl: .* → wasm: SIMD/);
    expect(currentBackend()).toBe(choice);
  });

  it("honours an explicit request and runs kernels on it", async () => {
    const choice = await chooseBackend({ prefer: "cpu" });
    expect(choice).toMatchObject({ name: "cpu", reason: "cpu: plain JavaScript (as requested)" });
    expect(tf.getBackend()).toBe("cpu");
    const back = await chooseBackend({ prefer: "wasm" });
    expect(back.name).toBe("wasm");
    expect(Array.from(await tf.add(tf.tensor1d([1, 2]), tf.tensor1d([3, 4])).data())).toEqual([4, 6]);
  });

  it("falls back when the requested backend cannot run here", async () => {
    const choice = await chooseBackend({ prefer: "webgpu" });
    expect(choice.name).toBe("wasm");
    expect(choice.reason).toContain("webgpu: navigator.gpu is missing");
  });

  it("refuses an unknown backend name with the valid ones", async () => {
    await expect(chooseBackend({ prefer: "tpu" as never })).rejects.toThrow(/unknown backend 'tpu'; expected one of: auto, webgpu, webgl, wasm, cpu/);
  });
});
