/**
 * The subset of Kustomize the deploy manifests use, rendered in TypeScript so tests validate
 * what `kubectl apply -k` would send: `resources` (files and directories), `namespace`,
 * `images` (newName/newTag) and `patches` by path (strategic merge: maps merge, lists of named
 * items — containers, volumes, ports, env — merge by name, other lists are replaced). A
 * kustomization using any other field is rejected (the schema is strict), so the renderer
 * never silently differs from kustomize.
 */
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { z } from "zod";

const KustomizationSchema = z
  .object({
    apiVersion: z.literal("kustomize.config.k8s.io/v1beta1"),
    kind: z.literal("Kustomization"),
    namespace: z.string().optional(),
    resources: z.array(z.string()).default([]),
    images: z
      .array(z.object({ name: z.string(), newName: z.string().optional(), newTag: z.string().optional() }).strict())
      .default([]),
    patches: z.array(z.object({ path: z.string() }).strict()).default([]),
  })
  .strict();

export type Resource = Record<string, unknown> & {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string } & Record<string, unknown>;
};

const ResourceSchema = z
  .object({
    apiVersion: z.string(),
    kind: z.string(),
    metadata: z.object({ name: z.string(), namespace: z.string().optional() }).loose(),
  })
  .loose();

/** Cluster-scoped kinds among those we deploy: the namespace transformer leaves them alone. */
const CLUSTER_SCOPED = new Set(["Namespace"]);
const MERGE_BY_NAME = new Set(["containers", "initContainers", "volumes", "volumeMounts", "ports", "env"]);

function readYaml(path: string): unknown[] {
  return parseAllDocuments(readFileSync(path, "utf8")).map((doc) => doc.toJS() as unknown);
}

export function readYamlDocuments(path: string): Resource[] {
  return readYaml(path).map((doc) => ResourceSchema.parse(doc) as Resource);
}

/** Renders the kustomization in `dir` into the resources a cluster would receive. */
export function kustomize(dir: string): Resource[] {
  const k = KustomizationSchema.parse(readYaml(join(dir, "kustomization.yaml"))[0]);
  let resources = k.resources.flatMap((r) => {
    const path = join(dir, r);
    return statSync(path).isDirectory() ? kustomize(path) : readYamlDocuments(path);
  });
  for (const patch of k.patches.flatMap((p) => readYamlDocuments(join(dir, p.path)))) {
    const target = resources.findIndex((r) => r.kind === patch.kind && r.metadata.name === patch.metadata.name);
    if (target < 0) {
      throw new Error(`patch ${patch.kind}/${patch.metadata.name} in ${dir} matches no resource`);
    }
    resources[target] = merge(resources[target], patch) as Resource;
  }
  resources = resources.map((r) =>
    setImages(k.namespace && !CLUSTER_SCOPED.has(r.kind) ? withNamespace(r, k.namespace) : r, k.images),
  );
  return resources;
}

function withNamespace(r: Resource, namespace: string): Resource {
  return { ...r, metadata: { ...r.metadata, namespace } };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function merge(base: unknown, patch: unknown, key = ""): unknown {
  if (isRecord(base) && isRecord(patch)) {
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(patch)) {
      out[k] = k in base ? merge(base[k], v, k) : v;
    }
    return out;
  }
  if (Array.isArray(base) && Array.isArray(patch) && MERGE_BY_NAME.has(key)) {
    const out = [...base];
    for (const item of patch) {
      const at = out.findIndex((b) => isRecord(b) && isRecord(item) && b.name === item.name);
      if (at >= 0) {
        out[at] = merge(out[at], item);
      } else {
        out.push(item);
      }
    }
    return out;
  }
  return patch;
}

function setImages(r: Resource, images: z.infer<typeof KustomizationSchema>["images"]): Resource {
  if (images.length === 0) {
    return r;
  }
  const visit = (v: unknown): unknown => {
    if (Array.isArray(v)) {
      return v.map(visit);
    }
    if (!isRecord(v)) {
      return v;
    }
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      out[k] = k === "image" && typeof x === "string" ? retag(x, images) : visit(x);
    }
    return out;
  };
  return visit(r) as Resource;
}

function retag(image: string, images: z.infer<typeof KustomizationSchema>["images"]): string {
  const colon = image.lastIndexOf(":");
  const name = colon > image.lastIndexOf("/") ? image.slice(0, colon) : image;
  const tag = colon > image.lastIndexOf("/") ? image.slice(colon + 1) : undefined;
  const rule = images.find((i) => i.name === name);
  if (!rule) {
    return image;
  }
  const newTag = rule.newTag ?? tag;
  return `${rule.newName ?? name}${newTag ? `:${newTag}` : ""}`;
}
