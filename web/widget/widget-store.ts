// The widget's IndexedDB (through `idb`): artifact files by tenant, version and SHA-256, the last active manifest
// per tenant (so the widget works offline after its first load), the visitor's id, and the visitor's events.

import { type DBSchema, type IDBPDatabase, openDB } from "idb";
import type { EventType } from "./edge-client.ts";

export const WIDGET_DB = "edgerec-widget";

export interface StoredFile {
  tenant: string;
  version: string;
  name: string;
  sha256: string;
  bytes: Uint8Array;
}

export interface StoredEvent {
  seq?: number;
  tenant: string;
  itemId: string;
  type: EventType;
  /** Milliseconds since the Unix epoch. */
  ts: number;
  /** The edge list it is about (a click on a card the edge ranked). */
  recommId?: string;
  /** 1 once the edge accepted it. */
  sent: 0 | 1;
  /** 1 when recorded in `private` mode: it never leaves the device. */
  local: 0 | 1;
}

interface WidgetDb extends DBSchema {
  files: { key: string; value: StoredFile };
  manifests: { key: string; value: { tenant: string; version: string; bytes: Uint8Array } };
  meta: { key: string; value: string };
  events: { key: number; value: StoredEvent; indexes: { tenant: string } };
}

const fileKey = (tenant: string, version: string, name: string): string => `${tenant}\u0000${version}\u0000${name}`;

export class WidgetStore {
  private constructor(private readonly db: IDBPDatabase<WidgetDb>) {}

  static async open(name = WIDGET_DB): Promise<WidgetStore> {
    const db = await openDB<WidgetDb>(name, 1, {
      upgrade(db) {
        db.createObjectStore("files");
        db.createObjectStore("manifests");
        db.createObjectStore("meta");
        db.createObjectStore("events", { keyPath: "seq", autoIncrement: true }).createIndex("tenant", "tenant");
      },
    });
    return new WidgetStore(db);
  }

  close(): void {
    this.db.close();
  }

  /**
   * A random id for this browser, created on first use and kept: `v:` + 32 hex digits. The edge takes events from a
   * publishable key only for ids of this shape (an anonymous visitor, never a known user's id); older `v-` ids still pass.
   */
  async visitorId(): Promise<string> {
    const known = await this.db.get("meta", "visitorId");
    if (known) return known;
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    let id = "v:";
    for (const b of bytes) id += b.toString(16).padStart(2, "0");
    // Two tabs may race here; the first write wins and both read it back.
    const tx = this.db.transaction("meta", "readwrite");
    const raced = await tx.store.get("visitorId");
    if (!raced) await tx.store.put(id, "visitorId");
    await tx.done;
    return raced ?? id;
  }

  /** The manifest bytes of the version last stored for `tenant`. */
  async activeManifest(tenant: string): Promise<Uint8Array | null> {
    return (await this.db.get("manifests", tenant))?.bytes ?? null;
  }

  async getFile(tenant: string, version: string, name: string): Promise<StoredFile | null> {
    return (await this.db.get("files", fileKey(tenant, version, name))) ?? null;
  }

  /**
   * Stores a complete, verified version and makes it the tenant's active one in one transaction; the files of the
   * tenant's other versions are deleted in the same transaction, so a reader never sees a half-replaced version.
   */
  async putVersion(tenant: string, version: string, manifest: Uint8Array, files: { name: string; sha256: string; bytes: Uint8Array }[]): Promise<void> {
    const tx = this.db.transaction(["files", "manifests"], "readwrite");
    const store = tx.objectStore("files");
    const range = IDBKeyRange.bound(`${tenant}\u0000`, `${tenant}\u0001`, false, true);
    for (const key of await store.getAllKeys(range)) {
      if (!key.startsWith(`${tenant}\u0000${version}\u0000`)) await store.delete(key);
    }
    for (const f of files) await store.put({ tenant, version, name: f.name, sha256: f.sha256, bytes: f.bytes }, fileKey(tenant, version, f.name));
    await tx.objectStore("manifests").put({ tenant, version, bytes: manifest }, tenant);
    await tx.done;
  }

  /** Forgets a version's files (after one failed verification on read). */
  async dropVersion(tenant: string, version: string): Promise<void> {
    const tx = this.db.transaction("files", "readwrite");
    const prefix = `${tenant}\u0000${version}\u0000`;
    for (const key of await tx.store.getAllKeys(IDBKeyRange.bound(prefix, `${tenant}\u0000${version}\u0001`, false, true))) {
      await tx.store.delete(key);
    }
    await tx.done;
  }

  async addEvent(event: Omit<StoredEvent, "seq">): Promise<number> {
    return this.db.add("events", event as StoredEvent);
  }

  /**
   * Deletes the tenant's oldest events beyond the newest `keep`, except those still waiting to be sent (ranking
   * reads only the newest 50 distinct items, so the log need not grow without bound).
   */
  async pruneEvents(tenant: string, keep: number): Promise<number> {
    const tx = this.db.transaction("events", "readwrite");
    const keys = await tx.store.index("tenant").getAllKeys(tenant);
    let deleted = 0;
    // Keys are autoincrement sequence numbers: ascending is oldest first.
    for (const seq of keys.sort((a, b) => a - b).slice(0, Math.max(0, keys.length - keep))) {
      const e = await tx.store.get(seq);
      if (e && (e.sent === 1 || e.local === 1)) {
        await tx.store.delete(seq);
        deleted++;
      }
    }
    await tx.done;
    return deleted;
  }

  /** The tenant's events, oldest first. */
  events(tenant: string): Promise<StoredEvent[]> {
    return this.db.getAllFromIndex("events", "tenant", tenant);
  }

  /** Marks events accepted by the edge. */
  markSent(seqs: number[]): Promise<void> {
    return this.patchEvents(seqs, { sent: 1 });
  }

  /** Marks events the edge refused as malformed: they stay for ranking on the device but are not sent again. */
  markLocal(seqs: number[]): Promise<void> {
    return this.patchEvents(seqs, { local: 1 });
  }

  private async patchEvents(seqs: number[], patch: Partial<Pick<StoredEvent, "sent" | "local">>): Promise<void> {
    const tx = this.db.transaction("events", "readwrite");
    for (const seq of seqs) {
      const e = await tx.store.get(seq);
      if (e) await tx.store.put({ ...e, ...patch });
    }
    await tx.done;
  }
}
