/**
 * @module
 * What a cache partition stores: the answer to replay, the key it was stored under, and — for
 * requests that may be matched semantically — the query text and its encoded embedding.
 */
import { z } from "zod";
import type { EncodedVector } from "./vector-index.ts";

/** A complete, successful answer, replayable as it was sent: a JSON body, or the SSE events of a stream. */
export const CachedAnswerSchema = z.object({
  contentType: z.string(),
  body: z.string().optional(),
  /** SSE `data:` payloads in order, `[DONE]` excluded (replay appends it). */
  events: z.array(z.string()).optional(),
  modelVersion: z.string(),
});
export type CachedAnswer = z.infer<typeof CachedAnswerSchema>;

export interface NewEntry {
  exactKey: string;
  /** Present when the request may be matched by meaning later. */
  semantic?: { query: string; vector: EncodedVector };
  answer: CachedAnswer;
  now: number;
  ttlMs: number;
}

export interface StoredEntry {
  id: number;
  exactKey: string;
  query: string | null;
  answer: CachedAnswer;
  expiresAt: number;
}

/** Storage of one partition's entries: SQLite in a Durable Object, or memory on Node. */
export interface EntryTable {
  /** Every live entry that has a vector, to rebuild the index after a restart. */
  vectors(): Iterable<{ id: number; vector: EncodedVector }>;
  byExactKey(exactKey: string): StoredEntry | undefined;
  byId(id: number): StoredEntry | undefined;
  /** Inserts, replacing any entry with the same exact key; returns the new id and the replaced one's. */
  insert(entry: NewEntry, bytes: number): { id: number; replaced?: number };
  touch(id: number, now: number): void;
  delete(id: number): void;
  count(): number;
  totalBytes(): number;
  /** Ids of expired entries, at most `limit`. */
  expired(now: number, limit: number): number[];
  /** Ids of the least recently used entries, at most `limit`. */
  leastRecentlyUsed(limit: number): number[];
}
