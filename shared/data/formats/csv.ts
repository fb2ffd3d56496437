// Delimited text with a header row naming `user_id`, `item_id` and optionally `rating`, `timestamp`, `type`
// (see records.ts for how they become weights). Comma- or tab-separated (the header decides: more tabs than
// commas means tabs), quoting per RFC 4180: a quoted field may hold delimiters, line breaks and doubled quotes.
// Input arrives line by line (`csvReader`, for streamed files); a line without a quote takes a fast path through
// `split`, and a record whose quotes are still open waits for the next lines. Line breaks inside a quoted field
// come out as "\n".

import { DataError } from "../../errors.ts";
import { InteractionsBuilder } from "../builder.ts";
import type { Interactions } from "../interactions.ts";
import { type ColumnNames, resolveColumns } from "./columns.ts";
import { addRecord } from "./records.ts";
import { forEachLine, type LineReader, readAllLines } from "./text.ts";

export function parseCsv(input: string | Uint8Array, source = "input", names: ColumnNames = {}): Interactions {
  return readAllLines(input, csvReader(source, names));
}

export function csvReader(source = "input", names: ColumnNames = {}): LineReader<Interactions> {
  const builder = new InteractionsBuilder(source);
  let col: ReturnType<typeof resolveColumns> | undefined;
  let width = 0;
  const records = new RecordAssembler(source, (fields, line) => {
    if (col === undefined) {
      col = resolveColumns(fields.map((f) => f.trim()), names, source, line);
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
        rating: col.weight >= 0 ? fields[col.weight] : undefined,
        timestamp: col.time >= 0 ? fields[col.time] : undefined,
        type: col.type >= 0 ? fields[col.type] : undefined,
      },
      { line },
    );
  });
  return {
    line: (text, lineNo) => records.line(text, lineNo),
    finish() {
      records.end();
      if (col === undefined) throw new DataError(`${source}: no interactions (empty file)`);
      return builder.build();
    },
  };
}

/** Calls `fn(fields, line)` for each record of a whole text; `line` is where the record starts (1-based). */
export function forEachRecord(
  text: string,
  delimiter: string,
  source: string,
  fn: (fields: string[], line: number) => void,
): void {
  const records = new RecordAssembler(source, fn, delimiter);
  forEachLine(text, (line, lineNo) => records.line(line, lineNo));
  records.end();
}

/**
 * Turns lines into records. The delimiter is the one given, or chosen from the first line. A line whose quotes
 * leave a field open is held, and following lines are appended until the quote count is even again.
 */
class RecordAssembler {
  private pending: string | undefined;
  private pendingLine = 0;
  private pendingQuotes = 0;

  constructor(
    private readonly source: string,
    private readonly fn: (fields: string[], line: number) => void,
    private delimiter?: string,
  ) {}

  line(text: string, lineNo: number): void {
    const delimiter = (this.delimiter ??= count(text, "\t") > count(text, ",") ? "\t" : ",");
    if (this.pending === undefined) {
      if (text.indexOf('"') < 0) {
        this.fn(text.split(delimiter), lineNo);
        return;
      }
      this.pending = text;
      this.pendingLine = lineNo;
      this.pendingQuotes = count(text, '"');
    } else {
      this.pending += `\n${text}`;
      this.pendingQuotes += count(text, '"');
      // An odd count means a quoted field is still open; parse only once it may be closed.
      if (this.pendingQuotes % 2 === 1) return;
    }
    const fields = parseQuotedRecord(this.pending, delimiter.charCodeAt(0), this.source, this.pendingLine);
    if (fields === undefined) return;
    const start = this.pendingLine;
    this.pending = undefined;
    this.fn(fields, start);
  }

  end(): void {
    if (this.pending !== undefined) throw new DataError(`${this.source}:${this.pendingLine}: unterminated quoted field`);
  }
}

/**
 * The fields of one record that holds quotes (and maybe line breaks inside them), or undefined when it ends inside
 * an open quote. Throws DataError on text after a closing quote or a quote inside an unquoted field.
 */
function parseQuotedRecord(text: string, delimCode: number, source: string, firstLine: number): string[] | undefined {
  const len = text.length;
  const fields: string[] = [];
  let pos = 0;
  const lineAt = (p: number) => firstLine + count(text.slice(0, p), "\n");
  for (;;) {
    let field = "";
    if (text.charCodeAt(pos) === 34) {
      pos++;
      for (;;) {
        const q = text.indexOf('"', pos);
        if (q < 0) return undefined;
        field += text.slice(pos, q);
        if (text.charCodeAt(q + 1) === 34) {
          field += '"';
          pos = q + 2;
          continue;
        }
        pos = q + 1;
        break;
      }
      if (pos < len && text.charCodeAt(pos) !== delimCode) {
        throw new DataError(`${source}:${lineAt(pos)}: unexpected ${JSON.stringify(text[pos])} after a closing quote`);
      }
    } else {
      let i = pos;
      for (; i < len; i++) {
        const c = text.charCodeAt(i);
        if (c === delimCode) break;
        if (c === 34) throw new DataError(`${source}:${lineAt(i)}: a quote inside an unquoted field (quote the whole field)`);
      }
      field = text.slice(pos, i);
      pos = i;
    }
    fields.push(field);
    if (pos >= len) return fields;
    pos++; // the delimiter
  }
}

function count(s: string, ch: string): number {
  let n = 0;
  for (let i = s.indexOf(ch); i >= 0; i = s.indexOf(ch, i + 1)) n++;
  return n;
}
