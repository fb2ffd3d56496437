// The ranking and experiment route suite on the Node host with a real redis-server (recent and shown items).

import { rankingSuite } from "../app/ranking.case.ts";
import { nodeHostHarness } from "../testing/node-host-harness.ts";

rankingSuite("node + redis", nodeHostHarness("edgerec-rank-"));
