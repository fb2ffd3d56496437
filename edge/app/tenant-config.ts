// The tenant-config document moved to shared/store/tenant-config.ts (the CLI writes it too). This re-export keeps the
// edge's imports as they were; new code imports the shared module.
export * from "../../shared/store/tenant-config.ts";
