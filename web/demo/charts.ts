// Live charts of a training run, drawn with uPlot: the training loss per epoch, and the validation NDCG@10 and
// Recall@20 per epoch against the popularity baseline (dashed), so the page shows when the model beats it.

import uPlot from "uplot";
import type { EpochPoint } from "./session.ts";

const COLORS = { loss: "#6d5dfc", ndcg: "#0ea5e9", recall: "#10b981", baseline: "#94a3b8" };

const axis = (label: string): uPlot.Axis => ({
  label,
  stroke: "#475569",
  grid: { stroke: "#e2e8f0", width: 1 },
  ticks: { stroke: "#cbd5e1", width: 1 },
  font: "12px system-ui, sans-serif",
  labelFont: "12px system-ui, sans-serif",
});

const epochAxis = (): uPlot.Axis => ({ ...axis("epoch"), incrs: [1, 2, 5, 10, 20, 50, 100] });

const orNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

export class TrainingCharts {
  private readonly loss: uPlot;
  private readonly metrics: uPlot;
  private points: EpochPoint[] = [];
  private planned = 1;
  private baseline = { ndcg10: Number.NaN, recall20: Number.NaN };

  constructor(lossEl: HTMLElement, metricsEl: HTMLElement) {
    const size = (el: HTMLElement) => ({ width: Math.max(280, el.clientWidth), height: 220 });
    this.loss = new uPlot(
      {
        ...size(lossEl),
        scales: { x: { time: false } },
        legend: { live: false },
        series: [{ label: "epoch" }, { label: "loss (BPR / ALS objective)", stroke: COLORS.loss, width: 2, points: { size: 6 } }],
        axes: [epochAxis(), axis("loss")],
      },
      [[], []],
      lossEl,
    );
    this.metrics = new uPlot(
      {
        ...size(metricsEl),
        scales: { x: { time: false }, y: { range: (_u, min, max) => [0, Math.min(1, Math.max(0.1, max * 1.15, min))] } },
        legend: { live: false },
        series: [
          { label: "epoch" },
          { label: "NDCG@10", stroke: COLORS.ndcg, width: 2, points: { size: 6 } },
          { label: "Recall@20", stroke: COLORS.recall, width: 2, points: { size: 6 } },
          { label: "popularity NDCG@10", stroke: COLORS.baseline, width: 1.5, dash: [6, 4], points: { show: false } },
          { label: "popularity Recall@20", stroke: COLORS.baseline, width: 1.5, dash: [2, 3], points: { show: false } },
        ],
        axes: [epochAxis(), axis("validation")],
      },
      [[], [], [], [], []],
      metricsEl,
    );
    new ResizeObserver(() => {
      this.loss.setSize(size(lossEl));
      this.metrics.setSize(size(metricsEl));
    }).observe(lossEl);
  }

  /** Starts a run of `epochs` planned epochs: the x axis spans them all from the start. */
  reset(epochs: number): void {
    this.points = [];
    this.planned = Math.max(1, epochs);
    this.baseline = { ndcg10: Number.NaN, recall20: Number.NaN };
    this.redraw();
  }

  setBaseline(ndcg10: number, recall20: number): void {
    this.baseline = { ndcg10, recall20 };
    this.redraw();
  }

  /** Adds an epoch, or updates it when it is already drawn (ALS gets its metrics after the last iteration). */
  addEpoch(p: EpochPoint): void {
    const at = this.points.findIndex((q) => q.epoch === p.epoch);
    if (at >= 0) this.points[at] = p;
    else this.points.push(p);
    this.redraw();
  }

  private redraw(): void {
    // x runs over every planned epoch (and any beyond, if a run reports more); missing values are gaps.
    const last = Math.max(this.planned, ...this.points.map((p) => p.epoch));
    const x = Array.from({ length: last }, (_, k) => k + 1);
    const byEpoch = new Map(this.points.map((p) => [p.epoch, p]));
    const column = (f: (p: EpochPoint) => number) => x.map((e) => {
      const p = byEpoch.get(e);
      return p ? orNull(f(p)) : null;
    });
    this.loss.setData([x, column((p) => p.loss)]);
    this.metrics.setData([
      x,
      column((p) => p.ndcg10),
      column((p) => p.recall20),
      x.map(() => orNull(this.baseline.ndcg10)),
      x.map(() => orNull(this.baseline.recall20)),
    ]);
  }
}
