// EventLog over R2: each accepted batch is one JSONL object under `events/<tenant>/<day>/`, written before the
// API answers 202. Names sort by time, so the trainer reads the log back in order.

import type { EventLine, EventLog } from "../app/ports.ts";
import { r2EventsPrefix } from "../../shared/store/keys.ts";

export class R2EventLog implements EventLog {
  constructor(private readonly bucket: R2Bucket) {}

  async append(tenant: string, events: EventLine[]): Promise<void> {
    const now = new Date();
    const day = now.toISOString().slice(0, 10);
    const rand = crypto.getRandomValues(new Uint32Array(2));
    const name = `${r2EventsPrefix(tenant)}${day}/${now.getTime().toString().padStart(14, "0")}-${rand[0]!.toString(16)}${rand[1]!.toString(16)}.jsonl`;
    const body = events.map((e) => JSON.stringify(e)).join("\n") + "\n";
    await this.bucket.put(name, body, { httpMetadata: { contentType: "application/x-ndjson" } });
  }
}
