/**
 * A model with two versions that differ in one tensor (a small MLP and a copy with one weight
 * tensor scaled), published into a test registry with golden outputs; picking PoP ids so a
 * canary of a given percentage takes some of them but not all; the bindings of an edge that syncs
 * from a control plane; and one sync round on every PoP.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { float32Weights, perturbTensor } from "./onnx-perturb.ts";
import { recordGolden } from "../../cli/registry/golden.ts";
import type { ModelDraft } from "../../shared/registry/publish.ts";
import { describeOnnx } from "../../cli/models/describe-onnx.ts";
import { inCanary } from "../../shared/sync/cohort.ts";
import { mlpOnnx } from "./onnx-mlp.ts";
import { type PublishFile, publishTo } from "./registry-fixture.ts";

export const WIDTHS = [8, 64, 4] as const;

export function goldenInput(): unknown {
  return {
    tensors: {
      x: { dtype: "float32", dims: [1, WIDTHS[0]], data: Array.from({ length: WIDTHS[0] }, (_, i) => i / 8) },
    },
  };
}

/** v1's bytes and v2's (one tensor scaled by `factor`). */
export function mlpVersions(factor = 1.5): { v1: Uint8Array; v2: Uint8Array } {
  const v1 = mlpOnnx(WIDTHS);
  const tensor = float32Weights(v1).at(-1);
  if (!tensor) {
    throw new Error("the MLP has no float32 weights");
  }
  return { v1, v2: perturbTensor(v1, tensor, factor) };
}

export const publishMlp: PublishFile = async (registry, keys, id, version, bytes) => {
  const draft: ModelDraft = {
    id,
    version,
    task: "raw",
    io: await describeOnnx(bytes),
    files: [{ name: "model.onnx", role: "model", bytes }],
  };
  draft.golden = await recordGolden(draft, goldenInput());
  return publishTo(registry, keys, draft);
};

/** `count` ids of the form `<prefix>-<n>`, of which exactly `inside` fall in a `percent` canary. */
export function popIds(prefix: string, count: number, inside: number, percent: number): string[] {
  const canary: string[] = [];
  const rest: string[] = [];
  for (let n = 0; canary.length < inside || rest.length < count - inside; n++) {
    const id = `${prefix}-${n}`;
    (inCanary(id, percent) ? canary : rest).push(id);
  }
  return [...canary.slice(0, inside), ...rest.slice(0, count - inside)];
}

/** Runs one sync round on every edge (`POST /admin/sync`): the models each one failed, by PoP. */
export async function syncEdges(
  edges: readonly { url: string; pop: string }[],
  adminToken: string,
): Promise<Record<string, string[]>> {
  const rounds = await Promise.all(
    edges.map(async (e) => {
      const res = await fetch(`${e.url}/admin/sync`, {
        method: "POST",
        headers: { authorization: `Bearer ${adminToken}` },
      });
      const body = (await res.json()) as { failed?: string[] };
      if (res.status !== 200 || !body.failed) {
        throw new Error(`sync on ${e.pop} answered ${res.status}: ${JSON.stringify(body)}`);
      }
      return [e.pop, body.failed] as const;
    }),
  );
  return Object.fromEntries(rounds);
}

/**
 * The bindings of an edge PoP that syncs from `controlUrl` and trusts the test registry's first
 * root; no grace period, so a cutover's old version is released at the next round.
 */
export async function syncedEdgeVars(
  controlUrl: string,
  edgeToken: string,
  registryDir: string,
): Promise<Record<string, string>> {
  return {
    CONTROL_URL: controlUrl,
    CONTROL_TOKEN: edgeToken,
    TRUSTED_ROOT: await readFile(join(registryDir, "metadata", "1.root.json"), "utf8"),
    SYNC_GRACE_MS: "0",
  };
}
