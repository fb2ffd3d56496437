// `edgerec demo` (`npm run demo`): the whole system on one machine — data → train → evaluate → publish to the local
// Worker → serve the API (wrangler dev) and the pages (Vite) — then prints URLs, a curl example and the metrics.
// Ctrl-C stops everything it started; a second run reuses the artifact, the published version and the keys.

import { z } from "zod";
import { shopPageUrl, trainingPageUrl } from "../demo/links.ts";
import { prepareDemo } from "../demo/prepare.ts";
import { serveDemo } from "../demo/serve.ts";
import { DEFAULT_PERSIST } from "../../shared/store/edge-host.ts";
import { intFlag, parseFlags } from "./args.ts";
import type { Command } from "./command.ts";
import { log } from "./progress.ts";

const usage = `npm run demo [-- options]      (or: edgerec demo [options])

  --data PATH      train on this data instead of the built-in synthetic shop (e.g. ../shared/data/ml-100k)
  --format F       data format (default auto)
  --model M        als | bpr (default als)
  --tenant ID      tenant name (default demo)
  --port N         API port (default 8787)
  --web-port N     web pages port (default 5173)
  --home DIR       where the demo keeps data, artifacts and keys (default .edgerec)
  --state DIR      wrangler's local state (default ${DEFAULT_PERSIST})`;

const spec = {
  data: { type: "string" },
  format: { type: "string" },
  model: { type: "string" },
  tenant: { type: "string" },
  port: { type: "string" },
  "web-port": { type: "string" },
  home: { type: "string" },
  state: { type: "string" },
} as const;

const schema = z.object({
  data: z.string().optional(),
  format: z.string().optional(),
  model: z.enum(["als", "bpr"], { error: "expected one of: als, bpr" }).default("als"),
  tenant: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, "1–64 of [A-Za-z0-9_-]").default("demo"),
  port: intFlag(z, 1, 65535).default(8787),
  "web-port": intFlag(z, 1, 65535).default(5173),
  home: z.string().default(".edgerec"),
  state: z.string().default(DEFAULT_PERSIST),
});

export const demoCommand: Command = {
  name: "demo",
  summary: "train, publish and serve the whole system locally (API, widget page, training page)",
  usage,
  async run(args, host) {
    const f = parseFlags("demo", args, spec, schema);
    const t0 = performance.now();
    const demo = await prepareDemo({ home: f.home, state: f.state, tenant: f.tenant, model: f.model, data: f.data, format: f.format, host, log });
    log("demo: starting the Worker (wrangler dev) and the web pages (vite)…");
    const servers = await serveDemo({ edge: host, state: f.state, apiPort: f.port, webPort: f["web-port"] });
    const api = servers.apiUrl;
    const shop = shopPageUrl(servers.webUrl, api, f.tenant, demo.keys.read);
    const m = demo.metrics;
    const fmt = (x: number | undefined) => (x === undefined ? "—" : x.toFixed(4));
    process.stdout.write(
      [
        "",
        `edgerec demo is ready (${((performance.now() - t0) / 1000).toFixed(0)} s)`,
        "",
        `  model      ${f.model} ${demo.version}: ndcg@10 ${fmt(m["ndcg@10"])}, recall@20 ${fmt(m["recall@20"])}, coverage@10 ${fmt(m["coverage@10"])}` +
          ` (popularity ndcg@10 ${fmt(demo.baseline["ndcg@10"])}; 10% of each user held out)`,
        `  API        ${api}            health: ${api}/healthz`,
        `  shop page  ${shop}`,
        `  training   ${trainingPageUrl(`${servers.webUrl}/demo/`, api, f.tenant, demo.keys.admin)}`,
        "",
        "  try:",
        `    curl -s ${api}/healthz`,
        `    curl -s -X POST ${api}/v1/tenants/${f.tenant}/recommendations -H 'authorization: Bearer ${demo.keys.read}' -H 'content-type: application/json' -d '{"userId":"${demo.sampleUser}","count":5}'`,
        `    curl -s -X POST ${api}/v1/tenants/${f.tenant}/events -H 'authorization: Bearer ${demo.keys.write}' -H 'content-type: application/json' -d '[{"userId":"visitor-1","itemId":"${demo.sampleItem}","type":"click"}]'`,
        "",
        `  keys       read ${demo.keys.read}`,
        `             write ${demo.keys.write}`,
        `             admin ${demo.keys.admin}`,
        `  retrain    npx edgerec pipeline --tenant ${f.tenant} --state ${f.state}   (events you post feed the next model)`,
        "",
        "Ctrl-C stops everything.",
        "",
      ].join("\n"),
    );
    await new Promise<void>((resolve) => {
      const done = () => resolve();
      process.once("SIGINT", done);
      process.once("SIGTERM", done);
    });
    log("demo: stopping…");
    await servers.stop();
  },
};
