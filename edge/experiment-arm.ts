/**
 * @module
 * Which version of a model answers a request while an A/B experiment runs on it: the arm its
 * unit hashes to (`armOf`, so a user stays on one arm on every PoP with no shared state). The
 * unit is the end user — the `x-edgefleet-user` header, else the OpenAI `user` body field where
 * the route has one — scoped by tenant, or the tenant itself when the experiment splits by
 * tenant or the request names no user. The answer says which arm served it
 * (`x-edgefleet-experiment: <id>/<arm>`); `x-edgefleet-model-version` is the arm's version.
 */
import type { Context } from "hono";
import { z } from "zod";
import type { ModelManifest } from "../shared/manifest/model-manifest.ts";
import { armOf } from "../shared/monitoring/experiment.ts";
import { parseOrThrow } from "../shared/tasks/request-validation.ts";
import { mayUse } from "./auth/principal.ts";
import type { EdgeEnv } from "./env.ts";

export const USER_HEADER = "x-edgefleet-user";
export const EXPERIMENT_HEADER = "x-edgefleet-experiment";

const UserSchema = z.string().min(1).max(256).optional();

/** The version that answers, and the `<id>/<arm>` the answer is tagged with (none outside an experiment). */
export interface ArmChoice {
  manifest: ModelManifest;
  tag?: string;
}

/** The arm this request belongs to; the control (`manifest`) when no experiment runs. */
export async function servedArm(c: Context<EdgeEnv>, manifest: ModelManifest, bodyUser?: string): Promise<ArmChoice> {
  const served = await c.get("deps").catalog.experiment?.(manifest.id);
  if (!served) {
    return { manifest };
  }
  const user = parseOrThrow(UserSchema, c.req.header(USER_HEADER) ?? bodyUser, USER_HEADER);
  const principal = c.get("principal");
  const unit =
    served.experiment.split_by === "user" && user !== undefined ? `${principal.tenant}\u0000${user}` : principal.tenant;
  const arm = armOf(served.experiment, unit);
  const chosen = arm === "candidate" ? served.candidate : manifest;
  if (!mayUse(principal, chosen)) {
    return { manifest };
  }
  return { manifest: chosen, tag: `${served.experiment.id}/${arm}` };
}

/**
 * The answer with its arm header. Set on the finished response, not through the context: a cached
 * answer is a Response of its own, which does not take the context's prepared headers.
 */
export function tagArm(choice: ArmChoice, res: Response): Response {
  if (choice.tag === undefined) {
    return res;
  }
  // A copy: a response from fetch or the cache may have immutable headers.
  const out = new Response(res.body, res);
  out.headers.set(EXPERIMENT_HEADER, choice.tag);
  return out;
}
