// JSON Lines: one object per line with `user_id`, `item_id` and optionally `rating`, `timestamp`, `type` (see
// records.ts). The edge's event names `userId`, `itemId` and `ts` are accepted as aliases, so exported events
// can be trained on directly. Blank lines are skipped. `jsonlReader` takes lines one at a time (streamed files).

import { DataError } from "../../errors.ts";
import { InteractionsBuilder } from "../builder.ts";
import type { Interactions } from "../interactions.ts";
import { ACCEPTED_COLUMNS, type ColumnNames, type ColumnRole } from "./columns.ts";
import { addRecord } from "./records.ts";
import { type LineReader, readAllLines } from "./text.ts";

export function parseJsonl(input: string | Uint8Array, source = "input", names: ColumnNames = {}): Interactions {
  return readAllLines(input, jsonlReader(source, names));
}

export function jsonlReader(source = "input", names: ColumnNames = {}): LineReader<Interactions> {
  const builder = new InteractionsBuilder(source);
  // A mapped name replaces the accepted ones for its role.
  const keys = (role: ColumnRole): readonly string[] => (names[role] !== undefined ? [names[role]] : ACCEPTED_COLUMNS[role]);
  const [userKeys, itemKeys, weightKeys, timeKeys, typeKeys] = (["user", "item", "weight", "time", "type"] as const).map(keys) as [
    readonly string[],
    readonly string[],
    readonly string[],
    readonly string[],
    readonly string[],
  ];
  return {
    line(line, lineNo) {
      if (line.trim() === "") return;
      let obj: unknown;
      try {
        obj = JSON.parse(line);
      } catch (e) {
        throw new DataError(`${source}:${lineNo}: invalid JSON (${(e as Error).message})`);
      }
      if (typeof obj !== "object" || obj === null || Array.isArray(obj)) {
        throw new DataError(`${source}:${lineNo}: expected a JSON object with user_id and item_id`);
      }
      const o = obj as Record<string, unknown>;
      addRecord(
        builder,
        {
          user: first(o, userKeys),
          item: first(o, itemKeys),
          rating: first(o, weightKeys),
          timestamp: first(o, timeKeys),
          type: first(o, typeKeys),
        },
        { line: lineNo },
      );
    },
    finish: () => builder.build(),
  };
}

function first(o: Record<string, unknown>, keys: readonly string[]): unknown {
  for (const k of keys) if (o[k] !== undefined) return o[k];
  return undefined;
}
