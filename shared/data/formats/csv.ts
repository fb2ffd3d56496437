// Delimited text with a header row naming `user_id`, `item_id` and optionally `rating`, `timestamp`, `type`
// (see records.ts for how they become weights). Comma- or tab-separated (the header decides: more tabs than
// commas means tabs), quoting per RFC 4180: a quoted field may hold delimiters, line breaks and doubled quotes.
// Lines without a quote take a fast path through `split`.

import { DataError } from "../../errors.ts";
import { InteractionsBuilder } from "../builder.ts";
import type { Interactions } from "../interactions.ts";
import { addRecord } from "./records.ts";
import { decodeText } from "./text.ts";

export function parseCsv(input: string | Uint8Array, source = "input"): Interactions {
  const text = decodeText(input);
  const builder = new InteractionsBuilder(source);
  const firstBreak = text.indexOf("\n");
  const headerLine = firstBreak < 0 ? text : text.slice(0, firstBreak);
  const delimiter = count(headerLine, "\t") > count(headerLine, ",") ? "\t" : ",";
  let col: Record<"user" | "item" | "rating" | "timestamp" | "type", number> | undefined;
  let width = 0;
  forEachRecord(text, delimiter, source, (fields, line) => {
    if (col === undefined) {
      const names = fields.map((f) => f.trim().toLowerCase());
      col = {
        user: names.indexOf("user_id"),
        item: names.indexOf("item_id"),
        rating: names.indexOf("rating"),
        timestamp: names.indexOf("timestamp"),
        type: names.indexOf("type"),
      };
      if (col.user < 0 || col.item < 0) {
        throw new DataError(`${source}:${line}: the header must name user_id and item_id columns; found: ${names.join(", ")}`);
      }
      width = fields.length;
      return;
    }
    if (fields.length === 1 && fields[0]!.trim() === "") return; // blank line
    if (fields.length !== width) {
      throw new DataError(`${source}:${line}: expected ${width} fields as in the header, found ${fields.length}`);
    }
    addRecord(
      builder,
      {
        user: fields[col.user],
        item: fields[col.item],
        rating: col.rating >= 0 ? fields[col.rating] : undefined,
        timestamp: col.timestamp >= 0 ? fields[col.timestamp] : undefined,
        type: col.type >= 0 ? fields[col.type] : undefined,
      },
      { line },
    );
  });
  if (col === undefined) throw new DataError(`${source}: no interactions (empty file)`);
  return builder.build();
}

/**
 * Calls `fn(fields, line)` for each record; `line` is the 1-based line where the record starts. A record may span
 * lines inside quotes. Throws DataError on an unterminated quote or text after a closing quote.
 */
export function forEachRecord(
  text: string,
  delimiter: string,
  source: string,
  fn: (fields: string[], line: number) => void,
): void {
  const len = text.length;
  const delimCode = delimiter.charCodeAt(0);
  let pos = 0;
  let line = 1;
  // Position of the next quote at or after `pos`, searched again only once passed: a file without quotes is
  // scanned for one once, not once per line.
  let quote = -2;
  while (pos < len) {
    let end = text.indexOf("\n", pos);
    if (end < 0) end = len;
    const stop = end > pos && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
    if (quote !== -1 && quote < pos) quote = text.indexOf('"', pos);
    if (quote < 0 || quote >= stop) {
      fn(text.slice(pos, stop).split(delimiter), line);
      pos = end + 1;
      line++;
      continue;
    }
    // Slow path: walk the record field by field.
    const startLine = line;
    const fields: string[] = [];
    for (;;) {
      let field = "";
      if (text.charCodeAt(pos) === 34) {
        pos++;
        for (;;) {
          const q = text.indexOf('"', pos);
          if (q < 0) throw new DataError(`${source}:${startLine}: unterminated quoted field`);
          const piece = text.slice(pos, q);
          field += piece;
          line += count(piece, "\n");
          if (text.charCodeAt(q + 1) === 34) {
            field += '"';
            pos = q + 2;
            continue;
          }
          pos = q + 1;
          break;
        }
        const c = text.charCodeAt(pos);
        if (pos < len && c !== delimCode && c !== 10 && c !== 13) {
          throw new DataError(`${source}:${line}: unexpected ${JSON.stringify(text[pos])} after a closing quote`);
        }
      } else {
        let i = pos;
        for (; i < len; i++) {
          const c = text.charCodeAt(i);
          if (c === delimCode || c === 10 || (c === 13 && text.charCodeAt(i + 1) === 10)) break;
          if (c === 34) throw new DataError(`${source}:${line}: a quote inside an unquoted field (quote the whole field)`);
        }
        field = text.slice(pos, i);
        pos = i;
      }
      fields.push(field);
      if (pos < len && text.charCodeAt(pos) === delimCode) {
        pos++;
        continue;
      }
      if (text.charCodeAt(pos) === 13) pos++;
      pos++; // the "\n" (or past the end)
      line++;
      break;
    }
    fn(fields, startLine);
  }
}

function count(s: string, ch: string): number {
  let n = 0;
  for (let i = s.indexOf(ch); i >= 0; i = s.indexOf(ch, i + 1)) n++;
  return n;
}
