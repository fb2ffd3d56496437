// The new-user suite (cold-user head) on the Node host with a real redis-server (recent items from events).

import { coldUsersSuite } from "../app/cold-users.case.ts";
import { nodeHostHarness } from "../testing/node-host-harness.ts";

coldUsersSuite("node + redis", nodeHostHarness("edgerec-cold-"));
