/**
 * @module
 * The two keys of a cached answer.
 * - The partition key is a hash of everything that may change the answer apart from the
 *   question itself: tenant, route, model id and version digest, the embedder used for
 *   semantic matching, and every other request field (system prompt, tools, generation
 *   parameters). Anything not known to be irrelevant is in it: a new field can only split
 *   partitions, never merge them.
 * - The exact key is a hash of the whole canonical request.
 */
import { sha256Hex } from "../crypto/sha256.ts";
import { canonicalJson } from "./canonical-json.ts";

export interface PartitionParts {
  tenant: string;
  route: string;
  model: string;
  /** Digest of the exact model version that answers (the ONNX file's sha256, or the origin's version label). */
  modelVersion: string;
  /** Digest of the embedder's model file when the request may be matched semantically. */
  embedder?: string;
  /** Version of the tenant's tuned pair scorer (absent for the untuned default, so old partitions stay valid). */
  scorer?: string;
  /** Every request field except the question (system prompt, tools, parameters…). */
  fields: unknown;
}

const encoder = new TextEncoder();

export function partitionKey(parts: PartitionParts): Promise<string> {
  return hashKeyText(canonicalJson({ v: 1, ...parts }));
}

export function exactKey(request: unknown): Promise<string> {
  return hashKeyText(canonicalJson(request));
}

/** Both keys as canonical text, before hashing: the edge's L1 uses them as they are. */
export interface KeyTexts {
  partition: string;
  exact: string;
}

/** Canonicalises once: a large request (a tensor) is not walked again for each key. */
export function keyTexts(parts: PartitionParts, request: unknown): KeyTexts {
  return { partition: canonicalJson({ v: 1, ...parts }), exact: canonicalJson(request) };
}

export function hashKeyText(text: string): Promise<string> {
  return sha256Hex(encoder.encode(text));
}
