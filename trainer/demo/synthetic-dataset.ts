// Node-only: writes the built-in synthetic shop data as a MovieLens-format directory (u.data, u.item, u.genre),
// so titles and categories travel with it through the ordinary loader, and `edgerec pipeline` can reload it as the
// tenant's base data.

import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { generateSynthetic, type SyntheticOptions } from "../../shared/data/synthetic.ts";

export const DEMO_SYNTHETIC: SyntheticOptions = { users: 2000, items: 1200, interactionsPerUser: 30, categories: 8, dim: 8, seed: 2026 };

/** Writes the dataset into `dir` unless it is already there; returns the directory. */
export async function ensureSyntheticDataset(dir: string, options: SyntheticOptions = DEMO_SYNTHETIC): Promise<string> {
  if (existsSync(join(dir, "u.data")) && existsSync(join(dir, "u.item"))) return dir;
  const d = generateSynthetic(options);
  const genres = [...new Set([...(d.itemMeta?.values() ?? [])].flatMap((m) => m.categories ?? []))].sort();
  const data: string[] = [];
  for (let k = 0; k < d.users.length; k++) {
    const ts = Number.isFinite(d.timestamps[k]!) ? Math.round(d.timestamps[k]!) : 0;
    data.push(`${d.userIds.ids[d.users[k]!]}\t${d.itemIds.ids[d.items[k]!]}\t${d.weights[k]}\t${ts}`);
  }
  const items = d.itemIds.ids.map((id, row) => {
    const meta = d.itemMeta?.get(row);
    const flags = genres.map((g) => (meta?.categories?.includes(g) ? "1" : "0"));
    // u.item is latin-1 with "|" separators: keep titles plain.
    const title = (meta?.title ?? `Item ${id}`).replace(/[|\n]/g, " ").replace(/[^\x20-\xff]/g, "");
    return [id, title, "", "", "", ...flags].join("|");
  });
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "u.genre"), genres.map((g, i) => `${g}|${i}`).join("\n") + "\n");
  await writeFile(join(dir, "u.item"), Buffer.from(items.join("\n") + "\n", "latin1"));
  await writeFile(join(dir, "u.data"), data.join("\n") + "\n");
  return dir;
}
