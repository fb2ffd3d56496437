// EventLog for the Node host: one append-only JSONL file per tenant (the trainer's JSONL format). `append`
// resolves after the lines are written and fdatasync'd; appends of one tenant are serialised so lines never interleave.

import { promises as fs } from "node:fs";
import path from "node:path";
import type { EventLine, EventLog } from "../app/ports.ts";
import { eventLogPath } from "./state-layout.ts";

export class FileEventLog implements EventLog {
  private readonly tails = new Map<string, Promise<void>>();

  constructor(private readonly state: string) {}

  append(tenant: string, events: EventLine[]): Promise<void> {
    const prev = this.tails.get(tenant) ?? Promise.resolve();
    const next = prev.catch(() => undefined).then(() => this.write(tenant, events));
    this.tails.set(tenant, next);
    return next;
  }

  private async write(tenant: string, events: EventLine[]): Promise<void> {
    const file = eventLogPath(this.state, tenant);
    await fs.mkdir(path.dirname(file), { recursive: true });
    const fh = await fs.open(file, "a");
    try {
      await fh.writeFile(events.map((e) => JSON.stringify(e)).join("\n") + "\n");
      await fh.datasync();
    } finally {
      await fh.close();
    }
  }
}

/** Reads a tenant's event log back (what the trainer consumes). */
export async function readEventLog(state: string, tenant: string): Promise<EventLine[]> {
  let text: string;
  try {
    text = await fs.readFile(eventLogPath(state, tenant), "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw e;
  }
  return text.split("\n").filter(Boolean).map((l) => JSON.parse(l) as EventLine);
}
