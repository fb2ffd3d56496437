// The edge route suite on the Node host: the same app over the file-system state dir, with a real redis-server
// (started here on a free port) holding user vectors and recent items.

import { routeSuite } from "../app/routes.case.ts";
import { nodeHostHarness } from "../testing/node-host-harness.ts";

routeSuite("node + redis", nodeHostHarness("edgerec-node-"));
