// The Node event log survives a torn line (a crash mid-append): reading skips it, the next append starts on a new
// line, and event ids in the log are read back for dedupe after a restart.
import { appendFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { FileEventLog, readEventLog } from "./file-event-log.ts";
import { eventLogPath } from "./state-layout.ts";

describe("FileEventLog", () => {
  it("skips a torn line, appends after it on a fresh line, and reads event ids back", async () => {
    const state = await mkdtemp(path.join(tmpdir(), "edgerec-log-"));
    try {
      const log = new FileEventLog(state);
      await log.append("t", [{ user_id: "a", item_id: "i1", type: "view", timestamp: 1, event_id: "e1" }]);
      await appendFile(eventLogPath(state, "t"), '{"user_id":"b","item_id":"i2","ty');
      await log.append("t", [{ user_id: "c", item_id: "i3", type: "view", timestamp: 3, event_id: "e3" }]);
      expect((await readEventLog(state, "t")).map((e) => e.user_id)).toEqual(["a", "c"]);
      expect(await new FileEventLog(state).recentEventIds("t")).toEqual(["e1", "e3"]);
    } finally {
      await rm(state, { recursive: true, force: true });
    }
  });
});
