// The Cloudflare Worker entry: builds the edge app's deps from the bindings once per isolate and hands requests
// to it. Everything else lives in edge/app.

import { buildWorkerApp } from "./build-app.ts";
import type { Env } from "./bindings.ts";

let app: ReturnType<typeof buildWorkerApp> | null = null;

export default {
  fetch(request: Request, env: Env, ctx: ExecutionContext): Response | Promise<Response> {
    app ??= buildWorkerApp(env);
    return app.fetch(request, env, ctx);
  },
} satisfies ExportedHandler<Env>;
