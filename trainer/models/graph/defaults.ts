// Defaults of the graph-filter model, chosen by rule from the data's size so an unseen dataset gets sensible values
// without a search; `parseGraphParams` reads user overrides (`--graph-params rank=96,beta=3`).

import { z } from "zod";
import { EdgerecError } from "../../../shared/errors.ts";
import type { DataStats } from "../../defaults.ts";
import { GRAPH_DEFAULTS, type GraphParams } from "./graph.ts";

/**
 * The filter is GF-CF's ideal low-pass (β = 0, power 0, item scale ½), which measured best on both shapes tried:
 * Gowalla (sparse check-ins) and MovieLens-100k (dense ratings), see bench:graph and the README's "Graph model".
 * The rank is about √(min(users, items)): the best rank measured was 20–32 on MovieLens-100k (943 users) and
 * grew with the catalogue on Gowalla (96 < 128 at 30k users); capped at 192 to keep the served vectors small.
 * The degree offset α is half the mean item degree: best measured 20–30 on MovieLens-100k (mean item degree 48
 * in the split) and 10 on Gowalla (16), where α = 1 lost 0.01 recall@20.
 */
export function graphDefaults(s: DataStats): GraphParams {
  const rank = 8 * Math.round(Math.sqrt(Math.min(s.items, s.users)) / 8);
  const degreeOffset = Math.max(1, Math.round((0.5 * s.interactions) / Math.max(1, s.items)));
  // A rank near the matrix's own keeps every direction (V Vᵀ ≈ I): the filter then only returns the user's own
  // items and nothing new, so tiny data keeps at most a third of its smaller side.
  const cap = Math.max(1, Math.floor(Math.min(s.items, s.users) / 3));
  return { ...GRAPH_DEFAULTS, rank: Math.min(cap, clamp(rank, 8, 192)), degreeOffset };
}

const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));

const paramsSchema = z
  .object({
    rank: z.number().int().min(1).max(1024),
    degreeOffset: z.number().min(0).max(1e6),
    userExponent: z.number().min(0).max(2),
    itemExponent: z.number().min(0).max(2),
    beta: z.number().min(-50).max(50),
    power: z.number().min(-4).max(4),
    itemScale: z.number().min(-2).max(2),
    oversample: z.number().int().min(0).max(1024),
    iterations: z.number().int().min(0).max(100),
    seed: z.number().int().min(0),
  })
  .partial()
  .strict();

/** Parses "key=value,key=value" into graph parameters; unknown keys and bad values name the valid ones. */
export function parseGraphParams(text: string): Partial<GraphParams> {
  const raw: Record<string, number> = {};
  for (const part of text.split(",").map((p) => p.trim()).filter(Boolean)) {
    const [key, value, ...rest] = part.split("=");
    if (!key || value === undefined || rest.length || !Number.isFinite(Number(value))) {
      throw new EdgerecError("bad_flag", `--graph-params: '${part}' is not key=number`);
    }
    raw[key] = Number(value);
  }
  const parsed = paramsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const keys = Object.keys(paramsSchema.shape).join(", ");
    throw new EdgerecError("bad_flag", `--graph-params: ${issue.path.join(".") || "keys"}: ${issue.message} (keys: ${keys})`);
  }
  return parsed.data as Partial<GraphParams>;
}
