// Admin routes for A/B experiments (the same operations as `edgerec experiment create|list|stop`):
//   GET  /v1/tenants/{t}/experiments             list (running and stopped)
//   POST /v1/tenants/{t}/experiments             create and start one: {id, variants: [{name, weight, version?, ranking?}]}
//   POST /v1/tenants/{t}/experiments/{id}/stop   stop it (its config stays, for the report)
// The report needs the event log, which the edge only appends to: `edgerec experiment report` computes it.

import type { Hono } from "hono";
import { ARTIFACT_FILES } from "../../shared/artifact/files.ts";
import { EdgerecError } from "../../shared/errors.ts";
import type { EdgeDeps } from "./app.ts";
import { notFound } from "./errors.ts";
import { EXPERIMENT_ID_RE, ExperimentConflict, addExperiment, createExperimentSchema, stopExperiment } from "./experiments.ts";
import { parseBody } from "./schemas.ts";
import type { TenantConfig } from "./tenant-config.ts";

function guarded(fn: () => TenantConfig["experiments"]): TenantConfig["experiments"] {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ExperimentConflict) throw new EdgerecError(e.status === 404 ? "unknown_experiment" : "experiment_conflict", e.message, e.status);
    throw e;
  }
}

export function experimentRoutes(app: Hono, deps: EdgeDeps): void {
  app.get("/v1/tenants/:tenant/experiments", async (c) => {
    const config = await deps.tenants.authorized(c.req.param("tenant"), c.req.header("Authorization"), "admin");
    return c.json({ tenant: config.tenant, experiments: config.experiments }, 200, { "Cache-Control": "no-store" });
  });

  app.post("/v1/tenants/:tenant/experiments", async (c) => {
    const config = await deps.tenants.authorized(c.req.param("tenant"), c.req.header("Authorization"), "admin");
    const input = parseBody(await c.req.text(), createExperimentSchema);
    for (const v of input.variants) {
      if (v.version && !(await deps.artifacts.get(config.tenant, v.version, ARTIFACT_FILES.manifest))) {
        throw notFound("unknown_version", `variant '${v.name}': tenant '${config.tenant}' has no version '${v.version}'`);
      }
    }
    const experiments = guarded(() => addExperiment(config.experiments, input));
    await deps.tenants.put({ ...config, experiments, updatedAt: new Date().toISOString() });
    return c.json(experiments[experiments.length - 1], 201);
  });

  app.post("/v1/tenants/:tenant/experiments/:id/stop", async (c) => {
    const config = await deps.tenants.authorized(c.req.param("tenant"), c.req.header("Authorization"), "admin");
    const id = c.req.param("id");
    if (!EXPERIMENT_ID_RE.test(id)) throw notFound("unknown_experiment", `no experiment '${id.slice(0, 40)}'`);
    const experiments = guarded(() => stopExperiment(config.experiments, id));
    await deps.tenants.put({ ...config, experiments, updatedAt: new Date().toISOString() });
    return c.json(experiments.find((e) => e.id === id));
  });
}
