// The ranking and experiment route suite inside workerd: the real Worker entry (SELF) with local R2 and KV.
import { rankingSuite } from "../app/ranking.case.ts";
import { workerdHarness } from "../testing/workerd-harness.ts";

rankingSuite("workerd", workerdHarness);
