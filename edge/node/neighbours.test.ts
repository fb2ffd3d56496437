// The item–item term suite on the Node host (state dir + redis-server).
import { neighboursSuite } from "../app/neighbours.case.ts";
import { nodeHostHarness } from "../testing/node-host-harness.ts";

neighboursSuite("node + redis", nodeHostHarness("edgerec-neighbours-"));
