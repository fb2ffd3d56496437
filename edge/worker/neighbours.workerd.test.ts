// The item–item term suite inside workerd (local R2 and KV).
import { neighboursSuite } from "../app/neighbours.case.ts";
import { workerdHarness } from "../testing/workerd-harness.ts";

neighboursSuite("workerd", workerdHarness);
