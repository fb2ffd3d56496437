// Corrupt artifacts for bench:chaos: random mutations of every file type of a real artifact, uploaded through the
// admin API and then activated. Two kinds: (a) the file changed under the original manifest (the checksum must
// refuse it), (b) the file changed structurally (headers, lengths, JSON syntax) and the manifest re-sealed with the
// new size and SHA-256, so each format's own checks must refuse it. Plus the crafted index.hnsw headers of issue 13.

import { sha256Hex } from "../../shared/artifact/sha256.ts";
import { Rng } from "../../shared/random.ts";

export interface CorruptResult {
  tried: number;
  activated: number;
  /** Which mutations activated (file: mutation), to say what got through. */
  activatedSamples: string[];
  /** Requests after an activated corrupt version that got a 5xx. */
  served5xx: number;
}

type Files = Map<string, Uint8Array>;

export interface Uploader {
  /** Uploads a version file by file (manifest last) and asks to activate it; true when activation said 200. */
  publish(version: string, files: Files): Promise<boolean>;
  /** A few recommendation requests; returns how many got a 5xx. */
  probe(): Promise<number>;
  /** Puts the good version back as active. */
  restore(): Promise<void>;
}

/** Bytes of each binary format's header (pack: 16, hnswlib: 96); mutations past it change payload values only. */
const headerBytes = (name: string): number => (name.endsWith(".hnsw") ? 96 : 16);

function mutateBytes(rng: Rng, b: Uint8Array, structural: boolean, header: number): { bytes: Uint8Array; what: string } {
  const out = new Uint8Array(b);
  const r = rng.next();
  if (r < 0.2) return { bytes: b.subarray(0, Math.floor(rng.next() * b.length)), what: "truncate" };
  if (r < 0.3) return { bytes: concat(b, Uint8Array.from({ length: 1 + Math.floor(rng.next() * 64) }, () => Math.floor(rng.next() * 256))), what: "extend" };
  if (r < 0.6) {
    // Header bytes: random values, or extreme ones.
    const at = Math.floor(rng.next() * Math.min(header, b.length));
    const v = [0x00, 0xff, 0x7f, 0x80][Math.floor(rng.next() * 4)]!;
    for (let i = at; i < Math.min(b.length, header, at + 1 + Math.floor(rng.next() * 8)); i++) out[i] = rng.next() < 0.5 ? v : Math.floor(rng.next() * 256);
    return { bytes: out, what: `header@${at}` };
  }
  if (r < 0.8 || !structural) {
    const at = Math.floor(rng.next() * b.length);
    out[at] = out[at]! ^ (1 << Math.floor(rng.next() * 8));
    return { bytes: out, what: `bitflip@${at}` };
  }
  return { bytes: out.fill(0), what: "zeros" };
}

function mutateJson(rng: Rng, b: Uint8Array): { bytes: Uint8Array; what: string } {
  const text = new TextDecoder().decode(b);
  const r = rng.next();
  if (r < 0.4) return { bytes: new TextEncoder().encode(text.slice(0, Math.floor(rng.next() * text.length))), what: "json-truncate" };
  if (r < 0.7) return { bytes: new TextEncoder().encode(text.replace(/"format":"[^"]*"/, '"format":"other/9"')), what: "json-format" };
  return { bytes: new TextEncoder().encode(text.replace(/\[/, "{")), what: "json-syntax" };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** The files with one replaced and the manifest re-sealed for it (size and SHA-256), version renamed. */
async function reseal(files: Files, version: string, name: string, bytes: Uint8Array, reseal: boolean): Promise<Files> {
  const manifest = JSON.parse(new TextDecoder().decode(files.get("manifest.json")!)) as { version: string; files: Record<string, { bytes: number; sha256: string }> };
  manifest.version = version;
  if (reseal && name !== "manifest.json") manifest.files[name] = { ...manifest.files[name]!, bytes: bytes.length, sha256: await sha256Hex(bytes) };
  const out = new Map(files);
  out.set(name, bytes);
  out.set("manifest.json", name === "manifest.json" ? bytes : new TextEncoder().encode(JSON.stringify(manifest)));
  return out;
}

/** index.hnsw with its max_elements (u64 at byte 8) set to `value`, manifest re-sealed. */
export async function craftedIndex(files: Files, version: string, value: bigint): Promise<Files> {
  const idx = new Uint8Array(files.get("index.hnsw")!);
  new DataView(idx.buffer).setBigUint64(8, value, true);
  return reseal(files, version, "index.hnsw", idx, true);
}

export async function corruptArtifacts(good: Files, up: Uploader, perFile: number, seed: number): Promise<CorruptResult> {
  const rng = new Rng(seed);
  const res: CorruptResult = { tried: 0, activated: 0, activatedSamples: [], served5xx: 0 };
  const attempt = async (label: string, files: Files, version: string) => {
    res.tried++;
    if (await up.publish(version, files)) {
      res.activated++;
      if (res.activatedSamples.length < 8) res.activatedSamples.push(label);
      res.served5xx += await up.probe();
      await up.restore();
    }
  };
  let n = 0;
  for (const name of [...good.keys()]) {
    for (let k = 0; k < perFile; k++) {
      const structural = k % 2 === 1;
      const isJson = name.endsWith(".json");
      const m = isJson && structural ? mutateJson(rng, good.get(name)!) : mutateBytes(rng, good.get(name)!, structural, headerBytes(name));
      const version = `cx-${seed}-${n++}`;
      // A benign-looking mutation of a payload (a float bit) may well be a valid artifact: only structural ones are
      // re-sealed, so "activated" counts artifacts whose own format checks let a broken file through.
      if (structural && m.what.startsWith("bitflip")) continue;
      // A header write of the value already there (0 over a 0 dtype byte) is the good file, not a corruption.
      if (sameBytes(m.bytes, good.get(name)!)) continue;
      await attempt(`${name}: ${structural ? "resealed " : ""}${m.what}`, await reseal(good, version, name, m.bytes, structural), version);
    }
  }
  for (const [label, value] of [["max_elements 2^62+1", (1n << 62n) + 1n], ["max_elements 2^64-1", (1n << 64n) - 1n], ["max_elements 0", 0n]] as const) {
    const version = `cx-${seed}-${n++}`;
    await attempt(`index.hnsw: ${label}`, await craftedIndex(good, version, value), version);
  }
  return res;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
