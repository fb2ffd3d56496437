// LightGCN / NGCF text format: one line per user, `user item item …`, whitespace-separated ids, each pair an
// interaction of weight 1 (a repeated item on a line sums to a larger weight). A line with a user and no items
// adds nothing. Tokens are cut by scanning character codes, so an 800k-interaction file parses without a regex or
// a split array per line. `lightGcnReader` takes lines one at a time (streamed files); `parseLightGcn` a whole text.

import { DataError } from "../../errors.ts";
import { InteractionsBuilder } from "../builder.ts";
import type { Interactions } from "../interactions.ts";
import { isSpaceCode, type LineReader, readAllLines } from "./text.ts";

export function parseLightGcn(input: string | Uint8Array, source = "input"): Interactions {
  return readAllLines(input, lightGcnReader(source));
}

export function lightGcnReader(source = "input"): LineReader<Interactions> {
  const builder = new InteractionsBuilder(source);
  return {
    line(line, lineNo) {
      const at = { line: lineNo };
      let user: string | undefined;
      const len = line.length;
      let i = 0;
      while (i < len) {
        while (i < len && isSpaceCode(line.charCodeAt(i))) i++;
        if (i >= len) break;
        const start = i;
        for (; i < len; i++) {
          const c = line.charCodeAt(i);
          if (isSpaceCode(c)) break;
          // A comma, quote or brace means another format was passed as lightgcn.
          if (c === 44 || c === 34 || c === 123) {
            throw new DataError(
              `${source}:${lineNo}: unexpected ${JSON.stringify(line[i])}; lightgcn lines are whitespace-separated ids "user item item …"`,
            );
          }
        }
        const token = line.slice(start, i);
        if (user === undefined) user = token;
        else builder.add(user, token, 1, Number.NaN, at);
      }
    },
    finish: () => builder.build(),
  };
}
