#!/usr/bin/env node
// The `edgerec` command: runs the TypeScript CLI through tsx's loader, so no build step is needed after `npm ci`.
import { register } from "tsx/esm/api";
register();
const { main } = await import("../trainer/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
