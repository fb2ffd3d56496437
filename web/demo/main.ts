// The demo page's wiring: settings → dataset → training run with live charts → user explorer → artifact.
// URL parameters preset the form (dataset, model, dim, epochs, backend) and `autostart=1` trains at once (tests,
// benchmarks, shared links). `window.edgerecDemo` exposes the run's figures to the end-to-end tests.

import "uplot/dist/uPlot.min.css";
import type { BackendPreference, BackendProbe } from "../../trainer/backend.ts";
import { artifactTar, buildArtifact, type BuiltArtifact, demoVersion, download, publishToEdge } from "./artifact.ts";
import { TrainingCharts } from "./charts.ts";
import { fileDataset, type LoadedDataset, SYNTHETIC_SETS, type SyntheticSet, syntheticDataset } from "./dataset.ts";
import { UserExplorer } from "./results.ts";
import { type DemoModel, type EpochPoint, type RunResult, type RunSettings, runTraining } from "./session.ts";

type State = "idle" | "training" | "done" | "error";

/** What the page reports about its last run (read by the e2e tests and bench:browser-train). */
export interface DemoStatus {
  state: State;
  /** Training runs started on this page (each Train click); lets a driver wait for the run it started. */
  runs: number;
  backend: string | null;
  backendLine: string;
  epochs: EpochPoint[];
  progress: number;
  /** Training seconds so far (validation excluded), for throughput. */
  trainSeconds: number;
  /** What the backend chooser found: every backend, available or not, and why. */
  probes: BackendProbe[];
  baseline: { ndcg10: number; recall20: number } | null;
  final: { ndcg10: number; recall20: number } | null;
  /** Items × dim of the trained model, and the first item row (for cross-backend comparisons). */
  model: { backend: string; dim: number; items: number; firstItem: number[]; seconds: number } | null;
  error: string | null;
}

const $ = <T = HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`demo page is missing #${id}`);
  return el as unknown as T;
};

const status: DemoStatus = {
  state: "idle", runs: 0, backend: null, backendLine: "", epochs: [], progress: 0, trainSeconds: 0, probes: [], baseline: null, final: null, model: null, error: null,
};
(window as unknown as { edgerecDemo: DemoStatus }).edgerecDemo = status;

const charts = new TrainingCharts($("chart-loss"), $("chart-metrics"));
const explorer = new UserExplorer($<HTMLSelectElement>("user-picker"), $<HTMLOListElement>("history"), $<HTMLOListElement>("recs"), $("user-summary"));
let controller: AbortController | null = null;
let lastRun: { run: RunResult; dataset: LoadedDataset } | null = null;
let artifact: BuiltArtifact | null = null;

const fmt = (v: number | undefined, digits = 4): string => (v !== undefined && Number.isFinite(v) ? v.toFixed(digits) : "—");
const seconds = (s: number): string => (s < 60 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`);

function setState(state: State): void {
  status.state = state;
  document.body.dataset.state = state;
  $<HTMLButtonElement>("train").disabled = state === "training";
  $<HTMLButtonElement>("stop").disabled = state !== "training";
}

function showError(message: string | null): void {
  status.error = message;
  const el = $("error");
  el.hidden = message === null;
  el.textContent = message ?? "";
}

function readSettings(): RunSettings {
  const int = (id: string, min: number, max: number): number => {
    const v = Number($<HTMLInputElement>(id).value);
    if (!Number.isInteger(v) || v < min || v > max) throw new RangeError(`${id} must be an integer from ${min} to ${max}, got ${$<HTMLInputElement>(id).value}`);
    return v;
  };
  return {
    model: $<HTMLSelectElement>("model").value as DemoModel,
    backend: $<HTMLSelectElement>("backend").value as BackendPreference,
    dim: int("dim", 2, 256),
    epochs: int("epochs", 1, 200),
    seed: 42,
  };
}

async function loadDataset(): Promise<LoadedDataset> {
  const source = document.querySelector<HTMLInputElement>('input[name="source"]:checked')?.value;
  if (source === "file") {
    const files = Array.from($<HTMLInputElement>("file-input").files ?? []);
    return fileDataset(files);
  }
  const preset = new URLSearchParams(location.search).get("dataset");
  return syntheticDataset(preset && preset in SYNTHETIC_SETS ? (preset as SyntheticSet) : "synthetic");
}

async function train(): Promise<void> {
  status.runs++;
  setState("training");
  showError(null);
  artifact = null;
  $("explore").hidden = true;
  $("ship").hidden = true;
  let settings: RunSettings;
  let dataset: LoadedDataset;
  try {
    settings = readSettings();
    $("progress-line").textContent = "Reading the data…";
    dataset = await loadDataset();
  } catch (err) {
    setState("error");
    showError((err as Error).message);
    return;
  }
  $("data-line").textContent = dataset.description;
  Object.assign(status, { epochs: [], progress: 0, trainSeconds: 0, probes: [], baseline: null, final: null, model: null, backend: null });
  charts.reset(settings.epochs);
  for (const id of ["tile-loss", "tile-ndcg", "tile-recall", "base-ndcg", "base-recall"]) $(id).textContent = "—";
  controller = new AbortController();
  try {
    const run = await runTraining(dataset.data, settings, {
      onBackend: (line, choice) => {
        status.backend = choice?.name ?? "typed-arrays";
        status.backendLine = line;
        status.probes = choice?.probes ?? [];
        $("backend-line").textContent = line;
      },
      onBaseline: (r) => {
        status.baseline = { ndcg10: r["ndcg@10"]!, recall20: r["recall@20"]! };
        $("base-ndcg").textContent = fmt(r["ndcg@10"]);
        $("base-recall").textContent = fmt(r["recall@20"]);
        charts.setBaseline(r["ndcg@10"]!, r["recall@20"]!);
      },
      onProgress: (fraction, eta, trainSeconds) => {
        status.progress = fraction;
        status.trainSeconds = trainSeconds;
        $("progress-bar").style.width = `${(100 * fraction).toFixed(1)}%`;
        const done = status.epochs.length;
        $("progress-line").textContent = `Epoch ${Math.min(done + 1, settings.epochs)} of ${settings.epochs} · ${Math.round(100 * fraction)}% · ETA ${seconds(eta)}`;
      },
      onEpoch: (p) => {
        const at = status.epochs.findIndex((q) => q.epoch === p.epoch);
        if (at >= 0) status.epochs[at] = p;
        else status.epochs.push(p);
        charts.addEpoch(p);
        $("tile-loss").textContent = fmt(p.loss);
        $("tile-ndcg").textContent = fmt(p.ndcg10);
        $("tile-recall").textContent = fmt(p.recall20);
      },
    }, controller.signal);
    finish(run, dataset);
  } catch (err) {
    setState("error");
    showError(`Training failed: ${(err as Error).message}`);
  } finally {
    controller = null;
  }
}

function finish(run: RunResult, dataset: LoadedDataset): void {
  lastRun = { run, dataset };
  const { model, final } = run;
  status.final = { ndcg10: final["ndcg@10"]!, recall20: final["recall@20"]! };
  status.model = { backend: model.backend, dim: model.dim, items: model.items, firstItem: Array.from(model.itemFactors.subarray(0, model.dim)), seconds: model.seconds };
  $("tile-ndcg").textContent = fmt(final["ndcg@10"]);
  $("tile-recall").textContent = fmt(final["recall@20"]);
  const lift = final["ndcg@10"]! / Math.max(1e-9, run.baseline["ndcg@10"]!);
  const full = run.epochs.filter((p) => !p.partial).length;
  const partial = run.epochs.length > full;
  $("progress-line").textContent =
    `${run.stopped ? "Stopped" : "Done"} after ${full} epoch${full === 1 ? "" : "s"}${partial ? " (and part of one)" : ""} in ${seconds(model.seconds)} ` +
    `on ${model.backend} · NDCG@10 ${fmt(final["ndcg@10"])} = ${lift.toFixed(2)}× popularity`;
  explorer.load(run);
  $("explore").hidden = false;
  $("ship").hidden = false;
  $("ship-line").textContent = "";
  setState("done");
}

/** The trained model as an artifact; for the dataset's name unless a tenant is given (publishing). */
async function currentArtifact(forTenant?: string): Promise<BuiltArtifact> {
  if (!lastRun) throw new Error("train a model first");
  const { run, dataset } = lastRun;
  const tenant = forTenant || dataset.name.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^[^A-Za-z0-9]+/, "") || "demo";
  if (!artifact || artifact.tenant !== tenant) artifact = await buildArtifact(run.model, run.split.train, { ...run.final }, tenant, demoVersion());
  return artifact;
}

$("train").addEventListener("click", () => void train());
$("stop").addEventListener("click", () => controller?.abort());
$("file-input").addEventListener("change", () => {
  const radio = document.querySelector<HTMLInputElement>('input[name="source"][value="file"]');
  if (radio) radio.checked = true;
  const files = Array.from($<HTMLInputElement>("file-input").files ?? []);
  $("data-line").textContent = files.length ? `picked: ${files.map((f) => `${f.name} (${(f.size / 1024).toFixed(0)} KB)`).join(", ")}` : "—";
});
$("export").addEventListener("click", async () => {
  try {
    const tar = artifactTar(await currentArtifact());
    download(tar.name, tar.bytes);
    $("ship-line").textContent = `Saved ${tar.name} (${(tar.bytes.byteLength / 1024).toFixed(0)} KB). Unpack it and pass the folder to edgerec publish --artifact.`;
  } catch (err) {
    $("ship-line").textContent = `Export failed: ${(err as Error).message}`;
  }
});
$("publish-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  $("ship-line").textContent = "Publishing…";
  const a = await currentArtifact($<HTMLInputElement>("edge-tenant").value.trim());
  const result = await publishToEdge(a, { endpoint: $<HTMLInputElement>("edge-url").value, key: $<HTMLInputElement>("edge-key").value });
  $("ship-line").textContent = result.ok ? `✓ ${result.message}` : `✗ ${result.message}`;
});

// Presets from the URL.
const params = new URLSearchParams(location.search);
for (const id of ["model", "backend", "dim", "epochs"]) {
  const v = params.get(id);
  if (v !== null) ($(id) as HTMLInputElement | HTMLSelectElement).value = v;
}
// `npm run demo` links here with its edge, tenant and admin key, so "Publish" works in one click. The key travels in
// the fragment (#key=…), which browsers never send to a server nor put in a Referer, and is then removed from the URL.
const fragment = new URLSearchParams(location.hash.slice(1));
for (const [param, id] of [["endpoint", "edge-url"], ["tenant", "edge-tenant"], ["key", "edge-key"]] as const) {
  const v = param === "key" ? fragment.get("key") : params.get(param);
  if (v !== null) $<HTMLInputElement>(id).value = v;
}
if (fragment.has("key")) history.replaceState(null, "", location.pathname + location.search);
if (params.get("dataset")?.startsWith("synthetic")) {
  const opts = SYNTHETIC_SETS[params.get("dataset") as SyntheticSet];
  if (opts) $("data-line").textContent = `built-in ${params.get("dataset")}: ${opts.users} users × ${opts.items} items`;
}
charts.reset(Number($<HTMLInputElement>("epochs").value) || 1);
if (params.get("autostart") === "1") void train();
