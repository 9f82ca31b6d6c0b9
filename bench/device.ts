/**
 * `npm run bench -- device`: what an offline device downloads to go from v1 to v2 of a real
 * model (PP-OCRv4 recognition, 10.8 MB) when v2 changed one tensor, against the bytes that
 * changed and against a full download. Real registry over HTTP on loopback, real device syncs
 * (the library API the CLI uses); every response body byte is counted: metadata, manifest,
 * block hints, chunk bytes.
 *
 * Metrics: `device.bytes_ratio_to_changed` (update bytes ÷ bytes of the edited tensor, for the
 * median-sized tensor of those ≥ 64 KiB, as in the chunking bench), `device.bytes_ratio_to_full`
 * (update bytes ÷ what a fresh device downloads for v2), and
 * `device.bytes_ratio_to_changed_chunk_only` (the same update with sub-chunk deltas off).
 */
import { cp, readFile } from "node:fs/promises";
import { join } from "node:path";
import { defaultModelSources } from "../cli/models/default-models.ts";
import { openDevice } from "../device/device.ts";
import { DEFAULT_CHUNKING } from "../shared/chunking/fastcdc.ts";
import type { WeightLayout } from "../shared/onnx/onnx-layout.ts";
import { publishModel } from "../shared/registry/publish.ts";
import type { Fetch } from "../shared/tuf/download.ts";
import { allSigners, makeKeys, makeRegistry, serveRegistry } from "../test/support/registry-fixture.ts";
import { tempDir } from "../test/support/temp-dir.ts";
import { defaultModelDraft } from "../test/support/default-model-draft.ts";
import { float32Weights, perturbTensor } from "../test/support/onnx-perturb.ts";
import { type BenchResult, progress } from "./lib/report.ts";
import { round } from "./lib/stats.ts";

type Category = "metadata" | "manifest" | "hints" | "model";

function categoryOf(url: string): Category {
  const path = new URL(url).pathname;
  return path.startsWith("/metadata/")
    ? "metadata"
    : path.endsWith("/blocks")
      ? "hints"
      : path.endsWith("manifest.json")
        ? "manifest"
        : "model";
}

/** A fetch that counts body bytes per kind of request. */
function categorizedFetch(): { fetch: Fetch; bytes: Record<Category, number> } {
  const bytes: Record<Category, number> = { metadata: 0, manifest: 0, hints: 0, model: 0 };
  const counted: Fetch = async (input, init) => {
    const response = await fetch(input, init);
    const category = categoryOf(input);
    if (!response.body || response.status === 304) {
      return response;
    }
    const body = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          bytes[category] += chunk.byteLength;
          controller.enqueue(chunk);
        },
      }),
    );
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
  return { fetch: counted, bytes };
}

const kib = (n: number) => `${(n / 1024).toFixed(0)} KiB`;
const total = (b: Record<Category, number>) => b.metadata + b.manifest + b.hints + b.model;

interface Variant {
  label: string;
  tensor: WeightLayout;
  version: string;
}

export async function run(json: boolean): Promise<BenchResult> {
  const rec = defaultModelSources().find((s) => s.id === "ppocr-rec");
  if (!rec) {
    throw new Error("ppocr-rec is not among the default models");
  }
  const model = new Uint8Array(await readFile(rec.model));
  const variants = editedVariants(model);

  progress(json, `publishing ${rec.id} 4.0.0 and three one-tensor edits to a loopback registry…`);
  const keys = await makeKeys();
  const registry = await makeRegistry(keys);
  const server = await serveRegistry(registry);
  const publish = async (version: string, edit?: (m: Uint8Array) => Uint8Array) =>
    publishModel(await defaultModelDraft("ppocr-rec", version, edit), {
      blobs: registry.blobs,
      repository: registry.repository,
      keyring: allSigners(keys),
    });
  try {
    await publish("4.0.0");
    const work = await tempDir("bench-device");
    const atV1 = join(work, "v1");
    const first = categorizedFetch();
    await openDevice({ dir: atV1, fetch: first.fetch }).sync({ server: server.url, models: ["ppocr-rec"] });
    for (const v of variants) {
      await publish(v.version, (m) => perturbTensor(m, v.tensor));
    }

    const rows: string[][] = [];
    const results = new Map<string, { delta: number; chunkOnly: number; full: number; changed: number }>();
    for (const v of variants) {
      progress(json, `v1 → ${v.version} (${v.tensor.name} edited)…`);
      const { delta, chunkOnly, full } = await measureVariant(v, server.url, work, atV1);
      const changed = v.tensor.dataEnd - v.tensor.dataStart;
      results.set(v.version, { delta: total(delta), chunkOnly: total(chunkOnly), full: total(full), changed });
      rows.push([
        v.label,
        v.tensor.name,
        kib(changed),
        `${kib(total(delta))} (${kib(delta.model)} model, ${kib(delta.metadata + delta.manifest)} meta, ${kib(delta.hints)} hints)`,
        `${(total(delta) / changed).toFixed(2)}×`,
        `${kib(total(chunkOnly))} (${(total(chunkOnly) / changed).toFixed(2)}×)`,
        `${(total(full) / 1e6).toFixed(2)} MB`,
        `${((100 * total(delta)) / total(full)).toFixed(2)}%`,
      ]);
    }
    const metric = results.get("4.0.2");
    if (!metric) {
      throw new Error("unreachable");
    }
    return {
      bench: "device",
      metrics: {
        "device.bytes_ratio_to_changed": round(metric.delta / metric.changed, 3),
        "device.bytes_ratio_to_full": round(metric.delta / metric.full, 4),
        "device.bytes_ratio_to_changed_chunk_only": round(metric.chunkOnly / metric.changed, 3),
      },
      notes:
        `PP-OCRv4 rec (${model.byteLength} B + its dictionary) published as 4.0.0, then as versions that scale every ` +
        `weight of one tensor by 1.001 in place (the chunking bench's edit). A device at 4.0.0 syncs to each over HTTP ` +
        `on loopback; bytes are every response body byte (TUF metadata, signed manifest, block hints, model bytes), ` +
        `counted at the client; HTTP headers are not counted. "changed" is the edited tensor's data size. ` +
        `Sub-chunk deltas fetch only the 4 KiB blocks whose hashes differ from the old version's bytes at the same place; ` +
        `"chunks only" turns them off (whole content-defined chunks, ${DEFAULT_CHUNKING.avgSize / 1024} KiB average). ` +
        `"full" is a fresh device syncing the same version. Byte counts are deterministic: one run each.`,
      table: [
        ["tensor edited", "name", "changed", "update download", "÷ changed", "chunks only", "full", "÷ full"],
        ...rows,
      ],
    };
  } finally {
    await server.close();
  }
}

/** Bytes a device at v1 downloads to reach `v`: with block deltas, with whole chunks only, and fresh. */
async function measureVariant(
  v: Variant,
  serverUrl: string,
  work: string,
  atV1: string,
): Promise<{ delta: Record<Category, number>; chunkOnly: Record<Category, number>; full: Record<Category, number> }> {
  const pin = () => v.version;
  const measure = async (dir: string, blockDelta: boolean) => {
    const counter = categorizedFetch();
    const result = await openDevice({ dir, fetch: counter.fetch }).sync({
      server: serverUrl,
      models: ["ppocr-rec"],
      resolver: pin,
      blockDelta,
    });
    const status = result.models[0]?.status;
    if (status !== "installed") {
      throw new Error(`sync to ${v.version} ended ${status}: ${JSON.stringify(result.models[0]?.error)}`);
    }
    return counter.bytes;
  };
  const copy = async (name: string) => {
    const dir = join(work, name);
    await cp(atV1, dir, { recursive: true });
    return dir;
  };
  const delta = await measure(await copy(`${v.version}-delta`), true);
  const chunkOnly = await measure(await copy(`${v.version}-chunks`), false);
  const full = await measure(join(work, `${v.version}-fresh`), true);
  return { delta, chunkOnly, full };
}

/** Three one-tensor edits: the smallest, the median and the largest float32 tensor of at least one chunk. */
function editedVariants(model: Uint8Array): Variant[] {
  const big = float32Weights(model).filter((w) => w.dataEnd - w.dataStart >= DEFAULT_CHUNKING.avgSize);
  const pick = (q: number) => big[Math.min(big.length - 1, Math.floor(q * big.length))];
  const [small, mid, large] = [pick(0), pick(0.5), pick(1)];
  if (!small || !mid || !large) {
    throw new Error("the model has too few float32 tensors of at least one chunk");
  }
  const variants: Variant[] = [
    { label: "smallest ≥ 64 KiB", tensor: small, version: "4.0.1" },
    { label: "median (metric)", tensor: mid, version: "4.0.2" },
    { label: "largest", tensor: large, version: "4.0.3" },
  ];
  return variants;
}
