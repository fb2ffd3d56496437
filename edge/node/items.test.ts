// The live catalogue suite on the Node host: item overlay in the state dir, restart = a new host on the same dir.

import { itemsSuite } from "../app/items.case.ts";
import { nodeHostHarness } from "../testing/node-host-harness.ts";

itemsSuite("node + redis", nodeHostHarness("edgerec-items-"));
