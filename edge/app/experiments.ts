// Experiments moved to shared/experiments/experiment.ts (they are part of the tenant config the CLI writes too). This
// re-export keeps the edge's imports as they were; new code imports the shared module.
export * from "../../shared/experiments/experiment.ts";
