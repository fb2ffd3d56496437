// The epoch loop every trainer shares: timing, ETA, the caller's per-epoch hook, stop and abort.

import type { EpochReport, TrainHooks } from "./types.ts";

/**
 * Runs `step` up to `epochs` times; `step` returns the epoch's loss. Yields to the event loop between epochs so a
 * page stays responsive. Returns the number of epochs run.
 */
export async function runEpochs(
  epochs: number,
  hooks: TrainHooks,
  started: number,
  step: (epoch: number) => number | Promise<number>,
  factors?: EpochReport["factors"],
): Promise<number> {
  for (let epoch = 1; epoch <= epochs; epoch++) {
    if (hooks.signal?.aborted) return epoch - 1;
    const loss = await step(epoch);
    if (!Number.isFinite(loss)) throw new Error(`training diverged at epoch ${epoch} (loss ${loss}); lower the learning rate`);
    const seconds = (performance.now() - started) / 1000;
    const verdict = await hooks.onEpoch?.({
      epoch,
      epochs,
      loss,
      seconds,
      etaSeconds: (seconds / epoch) * (epochs - epoch),
      ...(factors ? { factors } : {}),
    });
    if (verdict === "stop") return epoch;
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
  }
  return epochs;
}
