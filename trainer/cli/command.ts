// The shape of one `edgerec` sub-command. main.ts dispatches to these; each throws an EdgerecError (or any Error)
// on failure, which main turns into one readable line on stderr and a non-zero exit.

import type { EdgeHost } from "../../shared/store/edge-host.ts";

export interface Command {
  name: string;
  summary: string;
  /** Full `--help` text. */
  usage: string;
  /** `host`: the edge's Node side (publish targets, servability check, `wrangler dev`), from the composition root. */
  run(args: string[], host: EdgeHost): Promise<void>;
}
