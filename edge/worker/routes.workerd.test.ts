// The edge route suite inside workerd: the real Worker entry (SELF) with Miniflare's local R2 and KV.
import { routeSuite } from "../app/routes.case.ts";
import { workerdHarness } from "../testing/workerd-harness.ts";

routeSuite("workerd", workerdHarness);
