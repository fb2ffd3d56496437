// A CPU profile of the Worker's isolate in workerd over the Chrome DevTools Protocol (Miniflare's inspector port),
// for bench:edge's EDGE_BENCH_CPU_PROFILE: samples include "(garbage collector)", so GC's share of the request
// thread shows beside the code's.

/** The little of `ws` (a devDependency without bundled types) this uses. */
interface Socket {
  once(event: "open" | "error", fn: (e?: unknown) => void): void;
  on(event: "message", fn: (data: unknown) => void): void;
  send(text: string): void;
  close(): void;
}
const { default: WebSocket } = (await import("ws" as string)) as { default: new (url: string) => Socket };

export interface ProfileSession {
  stop(): Promise<unknown>;
}

export interface HeapSession {
  /** A heap snapshot (.heapsnapshot JSON text) of the isolate. */
  snapshot(): Promise<string>;
}

export async function startWorkerdProfile(inspectorPort: number): Promise<ProfileSession> {
  const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json/list`)).json()) as { webSocketDebuggerUrl: string; title?: string }[];
  const target = targets.find((t) => !/^core:/.test(t.title ?? "")) ?? targets[0];
  if (!target) throw new Error("the inspector lists no worker");
  const ws = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => (ws.once("open", resolve), ws.once("error", reject)));
  let id = 0;
  const waiting = new Map<number, (v: unknown) => void>();
  const chunks: string[] = [];
  ws.on("message", (data) => {
    const msg = JSON.parse(String(data)) as { id?: number; result?: unknown; method?: string; params?: { chunk?: string } };
    if (msg.method === "HeapProfiler.addHeapSnapshotChunk") chunks.push(msg.params!.chunk!);
    if (msg.id !== undefined) waiting.get(msg.id)?.(msg.result);
  });
  const send = (method: string, params: Record<string, unknown> = {}) =>
    new Promise<unknown>((resolve) => {
      waiting.set(++id, resolve);
      ws.send(JSON.stringify({ id, method, params }));
    });
  await send("Profiler.enable");
  await send("Profiler.setSamplingInterval", { interval: 250 });
  await send("Profiler.start");
  return {
    stop: async () => {
      const r = (await send("Profiler.stop")) as { profile: unknown };
      if (process.env.EDGE_BENCH_HEAP_SNAPSHOT) {
        await send("HeapProfiler.enable");
        await send("HeapProfiler.takeHeapSnapshot", { reportProgress: false });
        const { writeFile } = await import("node:fs/promises");
        await writeFile(process.env.EDGE_BENCH_HEAP_SNAPSHOT, chunks.join(""));
      }
      ws.close();
      return r.profile;
    },
  };
}
