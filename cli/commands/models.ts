/**
 * @module
 * `edgefleet models list|show|verify`: what a registry holds, read the way a device reads
 * it — through the verifying TUF client from a trusted root — so what these commands print
 * is what clients will accept. `verify` also fetches every chunk of every file and checks it.
 */
import { defineCommand } from "citty";
import { readFile } from "node:fs/promises";
import rcompare from "semver/functions/rcompare";
import type { ModelManifest } from "../../shared/manifest/model-manifest.ts";
import type { ModelVersionRef } from "../../shared/registry/layout.ts";
import { TufError } from "../../shared/tuf/errors.ts";
import { jsonArg, printResult, UserError } from "../output.ts";
import { registryArg } from "../registry/common-args.ts";
import { openReader, type RegistryReader } from "../registry/registry-reader.ts";

const trustedRootArg = {
  type: "string",
  description: "Root metadata to trust (default: the registry's own 1.root.json)",
} as const;

async function withReader<T>(
  location: string,
  trustedRoot: string | undefined,
  fn: (r: RegistryReader) => Promise<T>,
): Promise<T> {
  let root: Uint8Array | undefined;
  if (trustedRoot) {
    try {
      root = new Uint8Array(await readFile(trustedRoot));
    } catch (error) {
      throw new UserError(`cannot read ${trustedRoot}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
  }
  const reader = await openReader(location, root);
  try {
    await reader.tuf.refresh();
    return await fn(reader);
  } catch (error) {
    if (TufError.is(error)) {
      throw new UserError(`registry failed verification: ${error.message}`);
    }
    throw error;
  } finally {
    await reader.close();
  }
}

/** `id` or `id@version` → the matching published versions, newest first. */
function select(all: ModelVersionRef[], spec: string | undefined): ModelVersionRef[] {
  const [id, version] = (spec ?? "").split("@");
  const matches = all
    .filter((r) => !id || (r.id === id && (!version || r.version === version)))
    .toSorted((a, b) => a.id.localeCompare(b.id) || rcompare(a.version, b.version));
  if (spec && matches.length === 0) {
    throw new UserError(`${spec} is not in this registry`);
  }
  return matches;
}

function summary(m: ModelManifest) {
  const chunks = m.files.reduce((s, f) => s + (f.chunks?.length ?? 1), 0);
  return {
    id: m.id,
    version: m.version,
    task: m.task,
    parent: m.parent ?? null,
    bytes: m.files.reduce((s, f) => s + f.size, 0),
    files: m.files.length,
    chunks,
  };
}

const listCommand = defineCommand({
  meta: { name: "list", description: "List published model versions (verified)" },
  args: { registry: registryArg, "trusted-root": trustedRootArg, json: jsonArg },
  async run({ args }) {
    const rows = await withReader(args.registry, args["trusted-root"], async (r) => {
      const out = [];
      for (const ref of select(r.models.versions(), undefined)) {
        out.push(summary(await r.models.manifest(ref.id, ref.version)));
      }
      return out;
    });
    printResult(args.json, { models: rows }, () =>
      rows.length === 0
        ? "No models published yet (edgefleet publish <file> --model <id> --version <semver>)."
        : rows
            .map(
              (m) =>
                `${`${m.id}@${m.version}`.padEnd(28)} ${m.task.padEnd(16)} ${(m.bytes / 1e6).toFixed(2).padStart(8)} MB  ${String(m.chunks).padStart(5)} chunks${m.parent ? `  parent ${m.parent}` : ""}`,
            )
            .join("\n"),
    );
  },
});

const showCommand = defineCommand({
  meta: { name: "show", description: "Show a model version's manifest (id or id@version; newest when no version)" },
  args: {
    model: { type: "positional", description: "id or id@version", required: true },
    registry: registryArg,
    "trusted-root": trustedRootArg,
    json: jsonArg,
  },
  async run({ args }) {
    const { manifest, shared } = await withReader(args.registry, args["trusted-root"], async (r) => {
      const [ref] = select(r.models.versions(), args.model);
      if (!ref) {
        throw new UserError(`${args.model} is not in this registry`);
      }
      const m = await r.models.manifest(ref.id, ref.version);
      // How much of the parent this version reuses: what a device that has the parent fetches.
      let reuse: { parent: string; chunks_shared: number; bytes_new: number } | null = null;
      if (m.parent && r.models.versions().some((v) => v.id === m.id && v.version === m.parent)) {
        const parent = await r.models.manifest(m.id, m.parent);
        const have = new Set(parent.files.flatMap((f) => (f.chunks ?? []).map((c) => c.sha256)));
        const chunks = m.files.flatMap((f) => f.chunks ?? []);
        reuse = {
          parent: m.parent,
          chunks_shared: chunks.filter((c) => have.has(c.sha256)).length,
          bytes_new: chunks.filter((c) => !have.has(c.sha256)).reduce((s, c) => s + c.size, 0),
        };
      }
      return { manifest: m, shared: reuse };
    });
    printResult(args.json, { manifest, reuse: shared }, () =>
      [
        `${manifest.id}@${manifest.version}  (${manifest.task})${manifest.description ? `\n  ${manifest.description}` : ""}`,
        ...manifest.files.map(
          (f) => `  ${f.role.padEnd(10)} ${f.name}  ${f.size} B  ${f.chunks?.length ?? 1} chunks  sha256 ${f.sha256}`,
        ),
        `  inputs:  ${manifest.io.inputs.map((t) => `${t.name} ${t.dtype}[${t.shape.join(",")}]`).join(", ")}`,
        `  outputs: ${manifest.io.outputs.map((t) => `${t.name} ${t.dtype}[${t.shape.join(",")}]`).join(", ")}`,
        `  runtime: ${manifest.runtime.execution_providers.join(", ")}${manifest.runtime.opset ? `, opset ${manifest.runtime.opset}` : ""}${manifest.runtime.memory_mb ? `, ${manifest.runtime.memory_mb} MB` : ""}`,
        ...(shared
          ? [
              `  parent ${shared.parent}: ${shared.chunks_shared} chunks shared, ${(shared.bytes_new / 1e6).toFixed(2)} MB new`,
            ]
          : manifest.parent
            ? [`  parent ${manifest.parent}`]
            : []),
        ...(Object.keys(manifest.metrics).length ? [`  metrics: ${JSON.stringify(manifest.metrics)}`] : []),
      ].join("\n"),
    );
  },
});

const verifyCommand = defineCommand({
  meta: {
    name: "verify",
    description: "Verify the registry from its root: metadata signatures, manifests, every chunk of every file",
  },
  args: {
    model: { type: "positional", description: "id or id@version (default: everything)", required: false },
    registry: registryArg,
    "trusted-root": trustedRootArg,
    json: jsonArg,
  },
  async run({ args }) {
    const report = await withReader(args.registry, args["trusted-root"], async (r) => {
      const versions = [];
      for (const ref of select(r.models.versions(), args.model)) {
        try {
          const m = await r.models.manifest(ref.id, ref.version);
          for (const f of m.files) {
            await r.models.file(m, f);
          }
          versions.push({ id: ref.id, version: ref.version, ok: true, code: null, error: null });
        } catch (error) {
          if (!TufError.is(error)) {
            throw error;
          }
          versions.push({ id: ref.id, version: ref.version, ok: false, code: error.code, error: error.message });
        }
      }
      return { root: r.tuf.root.version, versions, chunks_checked: r.models.stats.fetchedChunks };
    });
    const failed = report.versions.filter((v) => !v.ok);
    printResult(args.json, { ok: failed.length === 0, ...report }, () =>
      [
        `root v${report.root}: signatures, versions and expiry dates verified`,
        ...report.versions.map(
          (v) => `  ${v.ok ? "ok  " : "FAIL"} ${v.id}@${v.version}${v.error ? `  ${v.error}` : ""}`,
        ),
        `${report.versions.length - failed.length}/${report.versions.length} versions verified, ${report.chunks_checked} chunks checked`,
      ].join("\n"),
    );
    if (failed.length > 0) {
      process.exitCode = 1;
    }
  },
});

export const modelsCommand = defineCommand({
  meta: { name: "models", description: "List, show and verify the model versions in a registry" },
  subCommands: { list: listCommand, show: showCommand, verify: verifyCommand },
});
