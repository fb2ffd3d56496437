// The hardening cases (edge/app/hardening.case.ts) inside workerd: the real Worker entry with Miniflare's R2 and KV.
import { hardeningSuite } from "../app/hardening.case.ts";
import { workerdHarness } from "../testing/workerd-harness.ts";

hardeningSuite("workerd", workerdHarness);
