// API keys as the tenant config stores them: a random bearer token is shown once, only its SHA-256 is kept, with a
// role and an id (the hash's first digits) that names it in listings. The edge checks requests against these
// records (edge/app/auth.ts); `edgerec keys` and the demo make them.

import { sha256Hex } from "../artifact/sha256.ts";
import type { ApiKeyRecord, Role } from "./tenant-config.ts";

export const hashKey = (key: string): Promise<string> => sha256Hex(new TextEncoder().encode(key));

/** A new key: `erk_` + 32 random bytes in base64url. */
export function generateKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return "erk_" + btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export async function keyRecord(key: string, role: Role): Promise<ApiKeyRecord> {
  const hash = await hashKey(key);
  return { id: hash.slice(0, 12), hash, role, createdAt: new Date().toISOString() };
}
