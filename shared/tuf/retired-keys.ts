/**
 * @module
 * Key ids this client has seen rotated out of a root. With them a signature by a stolen old
 * key is reported as REVOKED_KEY rather than as a key never heard of (UNKNOWN_KEY): an
 * operator reading a device report learns that an old key is being used against the fleet.
 * Stored beside the trusted metadata as `retired-keys.json`; purely diagnostic, never trust.
 */
import { z } from "zod";
import type { NamedStore } from "../ports/named-store.ts";
import type { Root } from "./schema.ts";

const FILE = "retired-keys.json";
const RetiredSchema = z.object({ keyids: z.array(z.string().max(128)).max(10_000) });

function allKeyids(root: Root): Set<string> {
  return new Set(Object.values(root.roles).flatMap((r) => r.keyids));
}

export class RetiredKeys {
  readonly keyids: ReadonlySet<string>;

  private constructor(keyids: Iterable<string>) {
    this.keyids = new Set(keyids);
  }

  static async load(store: NamedStore): Promise<RetiredKeys> {
    const bytes = await store.get(FILE);
    if (!bytes) {
      return new RetiredKeys([]);
    }
    try {
      return new RetiredKeys(RetiredSchema.parse(JSON.parse(new TextDecoder().decode(bytes))).keyids);
    } catch {
      return new RetiredKeys([]);
    }
  }

  /** After root `from` → `to`: keys of `from` that `to` no longer uses join; keys `to` uses leave. */
  after(from: Root, to: Root): RetiredKeys {
    const current = allKeyids(to);
    const next = new Set([...this.keyids, ...allKeyids(from)]);
    return new RetiredKeys([...next].filter((k) => !current.has(k)));
  }

  async save(store: NamedStore): Promise<void> {
    const keyids = [...this.keyids].toSorted();
    await store.put(FILE, new TextEncoder().encode(`${JSON.stringify({ keyids })}\n`));
  }
}
