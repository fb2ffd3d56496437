// The part of autocannon's API that edge/node/load.ts uses (the package ships no types).
declare module "autocannon" {
  import type { EventEmitter } from "node:events";
  namespace autocannon {
    interface Result {
      non2xx: number;
      errors: number;
      timeouts: number;
    }
  }
  function autocannon(opts: Record<string, unknown>): EventEmitter;
  export default autocannon;
}
