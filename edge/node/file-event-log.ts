// EventLog for the Node host: one append-only JSONL file per tenant (the trainer's JSONL format). `append`
// resolves after the lines are written and fdatasync'd (and, for a new file, its directory fsync'd); appends of one
// tenant are serialised so lines never interleave. A line torn by a crash is skipped on reading, and the next
// append starts on a fresh line, so one torn line never breaks the log.

import { promises as fs } from "node:fs";
import path from "node:path";
import type { EventLine, EventLog } from "../app/ports.ts";
import { syncDir } from "./fs-stores.ts";
import { eventLogPath } from "./state-layout.ts";

/** How much of a log's end is read back for event ids after a restart (dedupe of retries). */
const ID_TAIL_BYTES = 8 << 20;

export class FileEventLog implements EventLog {
  private readonly tails = new Map<string, Promise<void>>();

  constructor(private readonly state: string) {}

  append(tenant: string, events: EventLine[]): Promise<void> {
    const prev = this.tails.get(tenant) ?? Promise.resolve();
    const next = prev.catch(() => undefined).then(() => this.write(tenant, events));
    this.tails.set(tenant, next);
    return next;
  }

  async recentEventIds(tenant: string): Promise<string[]> {
    const file = eventLogPath(this.state, tenant);
    let fh: fs.FileHandle;
    try {
      fh = await fs.open(file, "r");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw e;
    }
    try {
      const size = (await fh.stat()).size;
      const start = Math.max(0, size - ID_TAIL_BYTES);
      const buf = Buffer.alloc(size - start);
      await fh.read(buf, 0, buf.length, start);
      const ids: string[] = [];
      for (const e of parseLines(buf.toString("utf8"))) if (e.event_id) ids.push(e.event_id);
      return ids;
    } finally {
      await fh.close();
    }
  }

  private async write(tenant: string, events: EventLine[]): Promise<void> {
    const file = eventLogPath(this.state, tenant);
    await fs.mkdir(path.dirname(file), { recursive: true });
    const fh = await fs.open(file, "a+");
    try {
      const size = (await fh.stat()).size;
      let lead = "";
      if (size > 0) {
        const last = Buffer.alloc(1);
        await fh.read(last, 0, 1, size - 1);
        if (last[0] !== 0x0a) lead = "\n"; // a torn line from a crash: end it, so this batch parses
      }
      await fh.writeFile(lead + events.map((e) => JSON.stringify(e)).join("\n") + "\n");
      await fh.datasync();
      if (size === 0) await syncDir(path.dirname(file));
    } finally {
      await fh.close();
    }
  }
}

/** Parses JSONL, skipping lines that are not whole JSON objects (a line torn by a crash). */
export function parseLines(text: string): EventLine[] {
  const out: EventLine[] = [];
  for (const line of text.split("\n")) {
    if (!line) continue;
    try {
      const v = JSON.parse(line) as EventLine;
      if (v && typeof v === "object" && typeof v.user_id === "string") out.push(v);
    } catch {
      // torn line: skipped
    }
  }
  return out;
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
  return parseLines(text);
}
