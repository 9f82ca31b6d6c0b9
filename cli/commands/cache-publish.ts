/**
 * @module
 * `edgefleet cache publish (--scorer <file> | --from-control <url> --tenant t) --version <semver>`:
 * signs a tenant's pair scorer into the registry as model `cache-scorer.<tenant>` (task
 * `cache-scorer`, private to the tenant), so it rolls out like any model: `edgefleet rollout
 * cache-scorer.<tenant>@<version> --canary 10`, then `promote` or `rollback`. The registry
 * flags are `edgefleet publish`'s, and so is the code that signs.
 */
import { defineCommand } from "citty";
import { scorerDraft } from "../../shared/cache/scorer/published-scorer.ts";
import { readScorerInput } from "../cache/scorer-input.ts";
import { tokenArg } from "../control/control-args.ts";
import { jsonArg } from "../output.ts";
import { keysArg, registryArg, requireSemver, timestampArg } from "../registry/common-args.ts";
import { openForPublish, publishDraft } from "../registry/publish-draft.ts";

export const cachePublishCommand = defineCommand({
  meta: { name: "publish", description: "Sign a tenant's pair scorer into the registry, to roll out like a model" },
  args: {
    scorer: { type: "string", description: "The scorer JSON (edgefleet cache tune --out)" },
    "from-control": {
      type: "string",
      description: "Publish the control plane's active scorer for --tenant (after a promoted retrain)",
    },
    tenant: { type: "string", description: "The tenant the scorer must name (required with --from-control)" },
    token: tokenArg,
    version: { type: "string", description: "Registry version, e.g. 1.0.0", required: true },
    registry: registryArg,
    keys: keysArg,
    "timestamp-expires": timestampArg,
    json: jsonArg,
  },
  async run({ args }) {
    requireSemver("--version", args.version);
    const input = await readScorerInput({
      scorer: args.scorer,
      fromControl: args["from-control"],
      tenant: args.tenant,
      token: args.token ?? process.env.EDGEFLEET_TOKEN,
    });
    const opened = await openForPublish(args);
    await publishDraft(opened, scorerDraft(input.scorer, args.version), {
      tenant: input.scorer.tenant,
      scorer_version: input.scorer.version,
      source: input.source,
    });
  },
});
