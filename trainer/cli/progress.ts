// Progress lines on stderr (results go to stdout or files): epoch, loss, elapsed and ETA.

import type { EpochReport } from "../models/types.ts";

export function epochLine(label: string, r: EpochReport): string {
  const metrics = r.metrics ? " " + Object.entries(r.metrics).map(([k, v]) => `${k} ${v.toFixed(4)}`).join(" ") : "";
  return `${label} epoch ${r.epoch}/${r.epochs} loss ${r.loss.toFixed(4)}${metrics} ${r.seconds.toFixed(1)}s ETA ${r.etaSeconds.toFixed(1)}s`;
}

export const log = (line: string): void => {
  process.stderr.write(line + "\n");
};
