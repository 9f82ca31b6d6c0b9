/**
 * @module
 * The learning cache's state survives a control-plane restart: one file per tenant
 * (`<tenant>.json` in a NamedStore, written atomically), so a busy tenant's feedback never
 * rewrites everyone's pairs. Writes are coalesced — a change marks the tenant dirty and a flush
 * follows after `delayMs` (default 1 s) — because edges post feedback one verdict at a time;
 * `close()` flushes what is left, so a clean shutdown loses nothing and a crash at most the
 * last second.
 */
import type { NamedStore } from "../../shared/ports/named-store.ts";
import type { Logger } from "../../shared/log.ts";
import { CacheTraining, type CacheTrainingOptions } from "./cache-training.ts";
import { TenantTrainingSchema } from "./training-snapshot.ts";

export interface PersistentTraining {
  training: CacheTraining;
  /** Writes every dirty tenant now. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export async function persistentCacheTraining(
  store: NamedStore,
  options: CacheTrainingOptions & { delayMs?: number; log: Logger },
): Promise<PersistentTraining> {
  const dirty = new Set<string>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let writing: Promise<void> = Promise.resolve();
  const flush = (): Promise<void> => {
    clearTimeout(timer);
    timer = undefined;
    const tenants = [...dirty];
    dirty.clear();
    // Chained: two flushes never write the same file at once, and the later one wins.
    writing = writing.then(async () => {
      for (const tenant of tenants) {
        try {
          await store.put(`${tenant}.json`, new TextEncoder().encode(JSON.stringify(training.snapshot(tenant))));
        } catch (error) {
          dirty.add(tenant);
          options.log.log("error", "cache_training.persist_failed", { tenant, error: String(error) });
        }
      }
    });
    return writing;
  };
  const training = new CacheTraining({
    ...options,
    onChange: (tenant) => {
      dirty.add(tenant);
      options.onChange?.(tenant);
      if (timer === undefined) {
        timer = setTimeout(() => void flush(), options.delayMs ?? 1_000);
        (timer as { unref?: () => void }).unref?.();
      }
    },
  });
  for (const name of await store.list()) {
    if (!name.endsWith(".json")) {
      continue;
    }
    const bytes = await store.get(name);
    if (bytes) {
      // A file that does not parse stops the start: training on half a state would be worse.
      const parsed = TenantTrainingSchema.safeParse(parseJson(new TextDecoder().decode(bytes)));
      if (!parsed.success) {
        throw new Error(`cache training state ${name} is invalid: ${parsed.error.issues[0]?.message ?? "?"}`);
      }
      training.restore(parsed.data);
    }
  }
  return { training, flush, close: flush };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
