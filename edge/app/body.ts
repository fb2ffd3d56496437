// Request bodies, read only after the route has checked the key, and never more than a limit kept: a declared
// Content-Length over the limit is refused before reading; a chunked body is counted as it streams and refused at the
// first byte over the limit (413). A refused body is dropped, not kept (see discardBody). Uploads stream through
// `limitedStream` with a running SHA-256.

import { Sha256 } from "../../shared/artifact/sha256-stream.ts";
import { HttpError } from "./errors.ts";

export const tooLarge = (limit: number, what = "request body") => new HttpError(413, "body_too_large", `${what} is over ${limit} bytes`);

/** The declared length, when the request carries a valid Content-Length. */
export function declaredLength(req: Request): number | null {
  const v = req.headers.get("Content-Length");
  if (v === null || !/^\d{1,15}$/.test(v)) return null;
  return Number(v);
}

/**
 * The body as bytes, at most `limit` of them (413 otherwise). Nothing over the limit is kept: the rest of a refused
 * body, up to DISCARD_LIMIT, is read and dropped so the connection can carry the next request; beyond that it is
 * cancelled.
 */
export async function readLimited(req: Request, limit: number, what?: string): Promise<Uint8Array> {
  const declared = declaredLength(req);
  if (declared !== null && declared > limit) {
    // Refused unread; the error handler drops a body up to DISCARD_LIMIT so the connection stays usable.
    if (declared > DISCARD_LIMIT) await req.body?.cancel().catch(() => undefined);
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
      await dropRest(reader, total);
      throw tooLarge(limit, what);
    }
    parts.push(value);
  }
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) (out.set(p, o), (o += p.byteLength));
  return out;
}

/** Bytes of an unread body that a refusal reads and drops so the connection stays usable. */
export const DISCARD_LIMIT = 1 << 20;

/**
 * After a refusal (401/403/404/405/4xx before the body was read): reads and drops a body of at most `limit` bytes.
 * An HTTP/1.1 server cannot take the next request from a connection whose request body is still unread, so workerd
 * closes it, and a client that already sent its next request on it gets ECONNRESET (bench:chaos saw ~3% of fuzz
 * requests reset that way). A larger body is cancelled: that client loses its connection, as it should.
 */
export async function discardBody(req: Request, limit = DISCARD_LIMIT): Promise<void> {
  if (!req.body || req.bodyUsed) return;
  const declared = declaredLength(req);
  if (declared !== null && declared > limit) {
    await req.body.cancel().catch(() => undefined);
    return;
  }
  try {
    await dropRest(req.body.getReader(), 0, limit);
  } catch {
    // The body is locked (a route was reading it): nothing to keep usable.
  }
}

/** Reads and drops what is left of a body, up to `limit` bytes in all (`read` so far), then cancels the rest. */
async function dropRest(reader: ReadableStreamDefaultReader<Uint8Array>, read: number, limit = DISCARD_LIMIT): Promise<void> {
  try {
    for (let total = read; total <= limit; ) {
      const { done, value } = await reader.read();
      if (done) return;
      total += value.byteLength;
    }
    await reader.cancel();
  } catch {
    // The client went away.
  }
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
