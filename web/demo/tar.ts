// A minimal POSIX ustar writer, so the demo can offer an artifact directory as one download without a zip library.
// Regular files only; names up to 100 bytes (artifact names are short: `<tenant>-<version>/items.bin`).

const BLOCK = 512;

export interface TarEntry {
  name: string;
  bytes: Uint8Array;
}

export function writeTar(entries: TarEntry[], mtime = new Date()): Uint8Array {
  let size = 2 * BLOCK; // two zero blocks end the archive
  for (const e of entries) size += BLOCK + Math.ceil(e.bytes.byteLength / BLOCK) * BLOCK;
  const out = new Uint8Array(size);
  let at = 0;
  const seconds = Math.floor(mtime.getTime() / 1000);
  for (const e of entries) {
    out.set(header(e.name, e.bytes.byteLength, seconds), at);
    at += BLOCK;
    out.set(e.bytes, at);
    at += Math.ceil(e.bytes.byteLength / BLOCK) * BLOCK;
  }
  return out;
}

function header(name: string, size: number, mtime: number): Uint8Array {
  const h = new Uint8Array(BLOCK);
  const nameBytes = new TextEncoder().encode(name);
  if (nameBytes.length > 100 || nameBytes.length === 0) throw new RangeError(`tar: name must be 1–100 bytes, got '${name}'`);
  if (!/^[A-Za-z0-9._\-/]+$/.test(name)) throw new RangeError(`tar: name '${name}' has characters outside [A-Za-z0-9._-/]`);
  h.set(nameBytes, 0);
  ascii(h, 100, octal(0o644, 7));
  ascii(h, 108, octal(0, 7));
  ascii(h, 116, octal(0, 7));
  ascii(h, 124, octal(size, 11));
  ascii(h, 136, octal(mtime, 11));
  ascii(h, 148, "        "); // checksum counts as spaces while summing
  ascii(h, 156, "0"); // regular file
  ascii(h, 257, "ustar\u0000");
  ascii(h, 263, "00");
  ascii(h, 265, "edgerec");
  ascii(h, 297, "edgerec");
  let sum = 0;
  for (const b of h) sum += b;
  ascii(h, 148, `${sum.toString(8).padStart(6, "0")}\u0000 `);
  return h;
}

const octal = (n: number, width: number): string => `${n.toString(8).padStart(width, "0")}\u0000`;

function ascii(h: Uint8Array, at: number, s: string): void {
  for (let i = 0; i < s.length; i++) h[at + i] = s.charCodeAt(i);
}
