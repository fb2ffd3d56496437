// Request bodies, read only after the route has checked the key, and never more than a limit: a declared
// Content-Length over the limit is refused before reading; a chunked body is counted as it streams and the read
// stops at the first byte over the limit (413). Uploads stream through `limitedStream` with a running SHA-256.

import { Sha256 } from "../../shared/artifact/sha256-stream.ts";
import { HttpError } from "./errors.ts";

export const tooLarge = (limit: number, what = "request body") => new HttpError(413, "body_too_large", `${what} is over ${limit} bytes`);

/** The declared length, when the request carries a valid Content-Length. */
export function declaredLength(req: Request): number | null {
  const v = req.headers.get("Content-Length");
  if (v === null || !/^\d{1,15}$/.test(v)) return null;
  return Number(v);
}

/** The body as bytes, at most `limit` of them (413 otherwise, having read at most `limit` + one chunk). */
export async function readLimited(req: Request, limit: number, what?: string): Promise<Uint8Array> {
  const declared = declaredLength(req);
  if (declared !== null && declared > limit) {
    await req.body?.cancel().catch(() => undefined);
    throw tooLarge(limit, what);
  }
  if (!req.body) return new Uint8Array(0);
  if (declared !== null) {
    // HTTP/1.1 frames a Content-Length body to exactly that many bytes (workerd's and Node's parsers both do), so
    // the check above bounds it: one native read instead of a JS reader loop, which showed in a request's CPU
    // profile. The length is checked again for a Request built in-process with a header that does not match.
    const bytes = new Uint8Array(await req.arrayBuffer());
    if (bytes.byteLength > limit) throw tooLarge(limit, what);
    return bytes;
  }
  const reader = req.body.getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(limit, what);
    }
    parts.push(value);
  }
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) (out.set(p, o), (o += p.byteLength));
  return out;
}

export async function readLimitedText(req: Request, limit: number): Promise<string> {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(await readLimited(req, limit));
  } catch (e) {
    if (e instanceof HttpError) throw e;
    throw new HttpError(400, "bad_json", "request body is not valid UTF-8");
  }
}

export interface StreamTally {
  bytes: number;
  sha256(): string;
}

/**
 * Passes `body` through, counting bytes and hashing them; errors the stream with a 413 HttpError at the first chunk
 * that takes it over `limit` (the store's write then fails and keeps nothing).
 */
export function limitedStream(body: ReadableStream<Uint8Array>, limit: number, what?: string): { stream: ReadableStream<Uint8Array>; tally: StreamTally } {
  const hash = new Sha256();
  const tally = { bytes: 0, sha256: () => hash.hex() };
  const reader = body.getReader();
  const stream = new ReadableStream<Uint8Array>({
    async pull(ctrl) {
      const { done, value } = await reader.read();
      if (done) return ctrl.close();
      tally.bytes += value.byteLength;
      if (tally.bytes > limit) {
        await reader.cancel().catch(() => undefined);
        return ctrl.error(tooLarge(limit, what));
      }
      hash.update(value);
      ctrl.enqueue(value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
  return { stream, tally };
}
