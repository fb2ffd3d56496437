// The live catalogue suite inside workerd: item overlay in local R2, restart = a freshly built app (new isolate).
import { itemsSuite } from "../app/items.case.ts";
import { workerdHarness } from "../testing/workerd-harness.ts";

itemsSuite("workerd", workerdHarness);
