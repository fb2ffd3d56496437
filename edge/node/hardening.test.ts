// The hardening cases (edge/app/hardening.case.ts) on the Node host with a real redis-server on a free port.

import { hardeningSuite } from "../app/hardening.case.ts";
import { nodeHostHarness } from "../testing/node-host-harness.ts";

hardeningSuite("node + redis", nodeHostHarness("edgerec-hard-", { eventRequestsPerMinute: 30 }));
