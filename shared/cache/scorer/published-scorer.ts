/**
 * @module
 * A tenant's pair scorer as a registry model: task `cache-scorer`, id `cache-scorer.<tenant>`,
 * private to that tenant, one file `cache-scorer.json` (role `config`) holding the scorer JSON;
 * the registry version is the publisher's semver, the scorer's own content-hash `version` stays
 * inside the JSON (it is what the cache partition key names). The same checks run when a scorer
 * is published and when a PoP takes one from the registry: it parses, names the tenant the id
 * says, its version is its content hash, and it scores a fixed pair to a finite number.
 */
import { z } from "zod";
import type { ModelDraft } from "../../registry/publish.ts";
import { ModelIdSchema } from "../../manifest/model-manifest.ts";
import { PairScorer } from "./pair-scorer.ts";
import { SCORER_FORMAT, type ScorerModel, ScorerModelSchema } from "./scorer-model.ts";
import { scorerVersion } from "./scorer-version.ts";

export const SCORER_TASK = "cache-scorer" as const;
export const SCORER_FILE = "cache-scorer.json";
const PREFIX = "cache-scorer.";

/** A scorer that cannot be published or installed, with the reason in words. */
export class ScorerFileError extends Error {}

/** The registry id of a tenant's scorer; tenants longer than 51 characters do not fit a model id. */
export function scorerModelId(tenant: string): string {
  const id = `${PREFIX}${tenant}`;
  if (!ModelIdSchema.safeParse(id).success) {
    throw new ScorerFileError(
      `tenant ${JSON.stringify(tenant)} does not make a model id (${PREFIX}<tenant>, ≤ 64 characters)`,
    );
  }
  return id;
}

/** The tenant a scorer's model id names, or undefined for an id that is not a scorer's. */
export function scorerTenantOf(id: string): string | undefined {
  return id.startsWith(PREFIX) && id.length > PREFIX.length ? id.slice(PREFIX.length) : undefined;
}

/** A scorer trained for one tenant (every published scorer is). */
export type TenantScorer = ScorerModel & { tenant: string };

function hasTenant(scorer: ScorerModel): scorer is TenantScorer {
  return scorer.tenant !== undefined;
}

/** The fixed pair a scorer must score to a finite number before it is published or installed. */
const CHECK_PAIR = ["How do I reset my password?", "How can I reset my password?", 0.97] as const;

/** The scorer's JSON as published: the same scorer always gives the same bytes. */
export function scorerBytes(scorer: ScorerModel): Uint8Array {
  return new TextEncoder().encode(`${JSON.stringify(scorer, null, 2)}\n`);
}

/** Parses and checks a scorer file; `tenant`: the tenant it must name. */
export async function parseScorerFile(bytes: Uint8Array, tenant: string | undefined): Promise<TenantScorer> {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new ScorerFileError("the scorer file is not JSON");
  }
  const parsed = ScorerModelSchema.safeParse(json);
  if (!parsed.success) {
    throw new ScorerFileError(`not an ${SCORER_FORMAT} scorer: ${z.prettifyError(parsed.error).replace(/\n/g, " ")}`);
  }
  const scorer = parsed.data;
  if (!hasTenant(scorer)) {
    throw new ScorerFileError("the scorer names no tenant (the untuned default is built in, not published)");
  }
  if (tenant !== undefined && scorer.tenant !== tenant) {
    throw new ScorerFileError(`the scorer was trained for tenant ${scorer.tenant}, not ${tenant}`);
  }
  const expected = await scorerVersion(scorer);
  if (scorer.version !== expected) {
    throw new ScorerFileError(`the scorer's version ${scorer.version} is not the hash of its content (${expected})`);
  }
  const verdict = new PairScorer(scorer, undefined, { memo: 0 }).judge(...CHECK_PAIR);
  if (!Number.isFinite(verdict.score)) {
    throw new ScorerFileError(`scorer ${scorer.version} does not score a pair to a finite number`);
  }
  return scorer;
}

/** The registry draft of a checked scorer at a publisher-chosen semver. */
export function scorerDraft(scorer: TenantScorer, version: string): ModelDraft {
  const cal = scorer.calibration;
  return {
    id: scorerModelId(scorer.tenant),
    version,
    task: SCORER_TASK,
    description: `Semantic-cache pair scorer ${scorer.version} for tenant ${scorer.tenant}`,
    private_to: [scorer.tenant],
    // What the logistic model is: the pair's features in, the probability of "same request" out.
    io: {
      inputs: [{ name: "features", dtype: "float32", shape: [1, scorer.features.length] }],
      outputs: [{ name: "probability", dtype: "float32", shape: [1, 1] }],
    },
    runtime: { execution_providers: ["cpu"] },
    settings: { scorer_version: scorer.version },
    metrics: {
      threshold: scorer.threshold,
      ...(cal
        ? { hit_rate: cal.hit_rate, false_hit_rate: cal.false_hit_rate, false_hit_upper: cal.false_hit_upper }
        : {}),
    },
    files: [{ name: SCORER_FILE, role: "config", bytes: scorerBytes(scorer) }],
  };
}
