#!/usr/bin/env node
// The `edgerec` command and its composition root: runs the TypeScript CLI through tsx's loader (no build step after
// `npm ci`) and hands it the edge's Node side (publish targets, servability check, `wrangler dev`) as the EdgeHost
// port, so trainer/ depends on the port only.
import { register } from "tsx/esm/api";
register();
const { main } = await import("../trainer/cli/main.ts");
const { nodeEdgeHost } = await import("../edge/node/host.ts");
process.exitCode = await main(process.argv.slice(2), nodeEdgeHost);
