// The new-user suite (cold-user head) inside workerd: the real Worker entry (SELF) with local R2 and KV.
import { coldUsersSuite } from "../app/cold-users.case.ts";
import { workerdHarness } from "../testing/workerd-harness.ts";

coldUsersSuite("workerd", workerdHarness);
