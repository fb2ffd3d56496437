// Defaults of the graph-filter model, chosen by rule from the data's size so an unseen dataset gets sensible values
// without a search; `parseGraphParams` reads user overrides (`--graph-params rank=96,beta=3`).

import { z } from "zod";
import { EdgerecError } from "../../../shared/errors.ts";
import type { DataStats } from "../../defaults.ts";
import { GRAPH_DEFAULTS, type GraphParams } from "./graph.ts";

/**
 * The filter is GF-CF's ideal low-pass (β = 0, power 0, item scale ½); on small ranks with a shoulder: the `rank`
 * leading directions at full weight and as many again at weight 0.3 (a two-step low-pass). On MovieLens-100k
 * (bench:graph split, binary weights) the shoulder lifted NDCG@20 from 0.443 to 0.445 at rank 24 (0.446 with a shoulder of 40); on Gowalla at
 * rank 176 moving directions from full weight to a shoulder lost (112 + 64 at 0.3: NDCG@20 0.1158 against 0.1218),
 * so ranks above SHOULDER_UP_TO get none. The rank is about √(min(users, items)), rounded down to a multiple of 8,
 * and half as much again on sparse data (mean item degree under 24, where the spectrum is flat): the best rank
 * measured was 20–24 on MovieLens-100k (943 users, mean item degree 38; 32 lost 0.004–0.005 NDCG@20) and still
 * grew at 256 on Gowalla (30k users, degree 16; NDCG@20 at 176 / 208 / 256: 0.122 / 0.128 / 0.132); capped at
 * 192 to keep the served vectors small at the edge. The degree
 * offset α is half the mean item degree: best measured 24–48 on MovieLens-100k (mean item degree 48 in the split)
 * and 10 on Gowalla (16), where α = 1 lost 0.01 recall@20 and α = 0 0.012.
 */
export function graphDefaults(s: DataStats): GraphParams {
  const sparse = s.interactions / Math.max(1, s.items) < 24 ? 1.5 : 1;
  const rank = 8 * Math.floor((sparse * Math.sqrt(Math.min(s.items, s.users))) / 8);
  const degreeOffset = Math.max(1, Math.round((0.5 * s.interactions) / Math.max(1, s.items)));
  // A rank near the matrix's own keeps every direction (V Vᵀ ≈ I): the filter then only returns the user's own
  // items and nothing new, so tiny data keeps at most a third of its smaller side, shoulder included.
  const cap = Math.max(1, Math.floor(Math.min(s.items, s.users) / 3));
  const full = Math.min(cap, clamp(rank, 8, 192));
  const tailRank = full <= SHOULDER_UP_TO ? Math.min(cap - full, full) : 0;
  // GF-CF's item–item term: measured to pay on sparse Gowalla and not on MovieLens-100k (search.ts has the figures);
  // the search decides by default, this rule is for --no-tune.
  const neighbours = sparse > 1 ? neighbourCount(s.items) : 0;
  return { ...GRAPH_DEFAULTS, rank: full, tailRank, degreeOffset, neighbours };
}

/** Bytes neighbours.bin may take: k = 50, or as many per item as fit in this (2-byte columns up to 65,536 items). */
const NEIGHBOUR_FILE_BUDGET = 8 * 2 ** 20;
export function neighbourCount(items: number): number {
  const perEntry = (items <= 65536 ? 2 : 4) + 1;
  return Math.max(1, Math.min(50, Math.floor(NEIGHBOUR_FILE_BUDGET / (Math.max(1, items) * perEntry))));
}

/** The largest full-weight rank that still gets a shoulder (measured helping at 24, hurting at 176). */
const SHOULDER_UP_TO = 64;

const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));

const paramsSchema = z
  .object({
    rank: z.number().int().min(1).max(1024),
    tailRank: z.number().int().min(0).max(1024),
    tailWeight: z.number().min(0).max(1),
    degreeOffset: z.number().min(0).max(1e6),
    userExponent: z.number().min(0).max(2),
    itemExponent: z.number().min(0).max(2),
    beta: z.number().min(-50).max(50),
    power: z.number().min(-4).max(4),
    itemScale: z.number().min(-2).max(2),
    oversample: z.number().int().min(0).max(1024),
    iterations: z.number().int().min(0).max(100),
    seed: z.number().int().min(0),
    neighbours: z.number().int().min(0).max(4096),
    denseWeight: z.number().min(0).max(100),
    neighbourValueBytes: z.union([z.literal(1), z.literal(2)]),
    termUserExponent: z.number().min(0).max(2),
    termItemExponent: z.number().min(0).max(2),
  })
  .partial()
  .strict();

/** Every graph parameter a user (or a recorded run) may set. */
export const GRAPH_PARAM_KEYS = Object.keys(paramsSchema.shape) as (keyof GraphParams)[];

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
