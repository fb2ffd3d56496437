// A tenant's event log, read back from an edge deployment, as a JSONL training file.

import { writeFile } from "node:fs/promises";
import type { EdgeStore } from "../../shared/store/edge-store.ts";

/** Writes a tenant's event log as a JSONL training file (`user_id`, `item_id`, `type`, `timestamp`). */
export async function exportEvents(store: EdgeStore, tenant: string, outFile: string): Promise<number> {
  const events = await store.readEvents(tenant);
  await writeFile(outFile, events.map((e) => JSON.stringify(e)).join("\n") + (events.length ? "\n" : ""));
  return events.length;
}
