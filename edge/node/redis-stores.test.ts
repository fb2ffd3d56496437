// The Redis implementations run the store contracts against a real redis-server started on a free port.
import { Redis } from "ioredis";
import { afterAll, beforeAll } from "vitest";
import { embeddingCacheContract, recentItemsContract } from "../app/stores.case.ts";
import { RedisEmbeddingCache, RedisRecentItems } from "./redis-stores.ts";
import { type RedisProcess, startRedis } from "./redis-process.ts";

let server: RedisProcess;
let redis: Redis;
beforeAll(async () => {
  server = await startRedis();
  redis = new Redis(server.url);
});
afterAll(async () => {
  await redis.quit();
  await server.stop();
});

embeddingCacheContract(
  "redis",
  async () => {
    await redis.flushdb();
    return new RedisEmbeddingCache(redis);
  },
  { ttl: { seconds: 1, elapse: () => new Promise((r) => setTimeout(r, 1200)) } },
);
recentItemsContract("redis", async () => {
  await redis.flushdb();
  return new RedisRecentItems(redis);
});
