// Node-only: starts what the demo serves — the Worker in local workerd (`wrangler dev`, offline, on the published
// state) and the web pages (Vite, rooted at web/) — and stops both together.

import { fileURLToPath } from "node:url";
import { createServer, type ViteDevServer } from "vite";
import type { DevServer, EdgeHost } from "../../shared/store/edge-host.ts";

export interface DemoServers {
  apiUrl: string;
  webUrl: string;
  stop(): Promise<void>;
}

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export async function serveDemo(o: { edge: EdgeHost; state: string; apiPort?: number; webPort?: number; host?: string }): Promise<DemoServers> {
  const host = o.host ?? "127.0.0.1";
  let wrangler: DevServer | undefined;
  let vite: ViteDevServer | undefined;
  const stop = async () => {
    await Promise.allSettled([wrangler?.stop(), vite?.close()]);
  };
  try {
    [wrangler, vite] = await Promise.all([
      o.edge.startDevServer({ cwd: ROOT, persistTo: o.state, port: o.apiPort, timeoutMs: 150_000 }),
      createServer({ configFile: `${ROOT}/vite.config.ts`, server: { host, port: o.webPort ?? 5173, strictPort: false } }).then((s) => s.listen()),
    ]);
  } catch (e) {
    await stop();
    throw e;
  }
  const address = vite.httpServer?.address();
  const port = typeof address === "object" && address ? address.port : (o.webPort ?? 5173);
  return { apiUrl: wrangler.url, webUrl: `http://${host}:${port}`, stop };
}
