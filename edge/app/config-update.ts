// The config compare-and-swap contract moved to shared/store/config-update.ts (the CLI's stores follow it too). This
// re-export keeps the edge's imports as they were; new code imports the shared module.
export * from "../../shared/store/config-update.ts";
