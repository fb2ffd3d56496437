// Flag parsing for the CLI: node:util's strict parser, then a zod schema per command, so every flag is validated
// once and errors name the flag and the valid values.

import { parseArgs } from "node:util";
import type { z } from "zod";
import { EdgerecError } from "../../shared/errors.ts";

export type FlagSpec = Record<string, { type: "string" | "boolean"; short?: string }>;

export function parseFlags<S extends z.ZodType>(command: string, args: string[], spec: FlagSpec, schema: S): z.infer<S> {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({ args, options: spec, strict: true, allowPositionals: false }));
  } catch (e) {
    throw new EdgerecError("bad_flag", `${command}: ${(e as Error).message.replace(/\. To specify.*$/s, "")}`);
  }
  const parsed = schema.safeParse(values);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const flag = issue.path.length ? `--${String(issue.path[0])}` : "flags";
    throw new EdgerecError("bad_flag", `${command}: ${flag}: ${issue.message}`);
  }
  return parsed.data;
}

/** A string flag holding a positive integer. */
export const intFlag = (z_: typeof z, min = 1, max = 1_000_000) =>
  z_.string().regex(/^\d+$/, "expected a whole number").transform(Number).pipe(z_.number().int().min(min).max(max));
