// JSON Lines: one object per line with `user_id`, `item_id` and optionally `rating`, `timestamp`, `type` (see
// records.ts). The edge's event names `userId`, `itemId` and `ts` are accepted as aliases, so exported events
// can be trained on directly. Blank lines are skipped. `jsonlReader` takes lines one at a time (streamed files).

import { DataError } from "../../errors.ts";
import { InteractionsBuilder } from "../builder.ts";
import type { Interactions } from "../interactions.ts";
import { addRecord } from "./records.ts";
import { type LineReader, readAllLines } from "./text.ts";

export function parseJsonl(input: string | Uint8Array, source = "input"): Interactions {
  return readAllLines(input, jsonlReader(source));
}

export function jsonlReader(source = "input"): LineReader<Interactions> {
  const builder = new InteractionsBuilder(source);
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
          user: o.user_id ?? o.userId,
          item: o.item_id ?? o.itemId,
          rating: o.rating,
          timestamp: o.timestamp ?? o.ts,
          type: o.type,
        },
        { line: lineNo },
      );
    },
    finish: () => builder.build(),
  };
}
