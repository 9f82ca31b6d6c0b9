// The origin's Kubernetes manifests as a cluster receives them: every overlay rendered
// (test/support/kustomize.ts), every resource validated against the Kubernetes OpenAPI schemas
// (kubernetes-models) or the KEDA CRD's schema (@kubernetes-models/keda), and the contracts
// between manifests and code: probes on the origin's routes, a grace period that covers the
// SIGTERM drain, and an autoscaler query on the metric the origin's registry exports.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { ScaledObject } from "@kubernetes-models/keda/keda.sh/v1alpha1";
import { Deployment } from "kubernetes-models/apps/v1";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";
import { ConfigMap, Namespace, Service } from "kubernetes-models/v1";
import { describe, expect, it } from "vitest";
import { OriginConfigSchema } from "../../../origin/config.ts";
import { LoadTracker } from "../../../origin/load/load-tracker.ts";
import { OriginMetrics } from "../../../origin/metrics/origin-metrics.ts";
import { kustomize, type Resource } from "../../support/kustomize.ts";

const K8S = "deploy/origin/k8s";
const REGIONS = readdirSync(join(K8S, "overlays")).toSorted();

const MODELS: Record<string, (r: Resource) => { validate(): void }> = {
  Namespace: (r) => new Namespace(r as ConstructorParameters<typeof Namespace>[0]),
  ConfigMap: (r) => new ConfigMap(r as ConstructorParameters<typeof ConfigMap>[0]),
  Service: (r) => new Service(r as ConstructorParameters<typeof Service>[0]),
  Deployment: (r) => new Deployment(r as ConstructorParameters<typeof Deployment>[0]),
  PodDisruptionBudget: (r) => new PodDisruptionBudget(r as ConstructorParameters<typeof PodDisruptionBudget>[0]),
  ScaledObject: (r) => new ScaledObject(r as unknown as ConstructorParameters<typeof ScaledObject>[0]),
};

function one<K extends string>(resources: Resource[], kind: K): Resource {
  const found = resources.filter((r) => r.kind === kind);
  const [r] = found;
  if (!r || found.length > 1) {
    throw new Error(`expected one ${kind}, rendered ${found.length}`);
  }
  return r;
}

/** The origin's queue-depth metric name, found by its value in a live registry (not a copied string). */
async function exportedQueueDepthMetric(): Promise<string> {
  const load = new LoadTracker();
  load.addQueue(() => 7);
  const metrics = new OriginMetrics(load, () => true, { defaultMetrics: false });
  const gauges = (await metrics.registry.getMetricsAsJSON()).filter(
    (m) => String(m.type) === "gauge" && m.values.some((v) => v.value === 7),
  );
  expect(gauges).toHaveLength(1);
  return gauges[0]?.name ?? "";
}

describe.each(REGIONS)("overlay %s", (region) => {
  const resources = kustomize(join(K8S, "overlays", region));
  const deployment = one(resources, "Deployment") as unknown as InstanceType<typeof Deployment>;
  const pod = deployment.spec?.template.spec;
  const container = pod?.containers.find((c) => c.name === "origin");
  const config = OriginConfigSchema.parse(
    JSON.parse(String((one(resources, "ConfigMap").data as Record<string, unknown>)["origin.json"])),
  );

  it("renders only resources that are valid against their schemas, all in one namespace", () => {
    expect(resources.map((r) => r.kind).toSorted()).toEqual(Object.keys(MODELS).toSorted());
    for (const r of resources) {
      expect(() => MODELS[r.kind]?.(r).validate()).not.toThrow();
      expect(r.kind === "Namespace" ? r.metadata.name : r.metadata.namespace).toBe("edgefleet");
    }
  });

  it("configures the origin for its region, listening on the container port", () => {
    expect(config.region).toBe(region);
    expect(config.host).toBe("0.0.0.0");
    expect(container?.ports?.map((p) => p.containerPort)).toEqual([config.port]);
    expect(container?.args).toContain("/etc/edgefleet/origin.json");
  });

  it("gates traffic on /readyz and lets the SIGTERM drain finish before the kill", () => {
    expect(container?.readinessProbe?.httpGet?.path).toBe("/readyz");
    expect(container?.livenessProbe?.httpGet?.path).toBe("/healthz");
    const preStopMs = (container?.lifecycle?.preStop?.sleep?.seconds ?? 0) * 1000;
    const graceMs = (pod?.terminationGracePeriodSeconds ?? 30) * 1000;
    expect(preStopMs + config.drain_timeout_ms).toBeLessThan(graceMs);
  });

  it("runs as non-root with resource requests; GPU overlays ask for a GPU and run CUDA", () => {
    expect(pod?.securityContext?.runAsNonRoot).toBe(true);
    expect(container?.securityContext?.allowPrivilegeEscalation).toBe(false);
    const requests = container?.resources?.requests ?? {};
    expect(requests.cpu).toBeDefined();
    expect(requests.memory).toBeDefined();
    const gpu = requests["nvidia.com/gpu"];
    expect(gpu !== undefined).toBe(config.cuda);
    expect(container?.resources?.limits?.["nvidia.com/gpu"]).toBe(gpu);
    expect(container?.image?.endsWith("-cuda")).toBe(config.cuda);
    // The model cache must fit the container's memory.
    expect(config.memory_budget_mb * 2 ** 20).toBeLessThan(parseGi(String(container?.resources?.limits?.memory)));
  });

  it("keeps a replica during disruptions and scales the Deployment on the exported queue-depth metric", async () => {
    const pdb = one(resources, "PodDisruptionBudget") as unknown as InstanceType<typeof PodDisruptionBudget>;
    expect(pdb.spec?.selector?.matchLabels).toEqual(deployment.spec?.selector.matchLabels);
    const scaled = one(resources, "ScaledObject") as unknown as InstanceType<typeof ScaledObject>;
    expect(scaled.spec.scaleTargetRef.name).toBe(deployment.metadata?.name);
    expect(scaled.spec.minReplicaCount ?? 0).toBeGreaterThanOrEqual(2);
    const [trigger] = scaled.spec.triggers;
    expect(trigger?.type).toBe("prometheus");
    const query = String(trigger?.metadata?.query);
    const selectors = [...query.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\{([^}]*)\}/g)];
    expect(selectors.map((m) => m[1])).toEqual([await exportedQueueDepthMetric()]);
    expect(selectors[0]?.[2]).toContain(`namespace="${deployment.metadata?.namespace}"`);
  });
});

function parseGi(quantity: string): number {
  const m = /^(\d+)Gi$/.exec(quantity);
  if (!m) {
    throw new Error(`memory limit ${quantity} is not in Gi`);
  }
  return Number(m[1]) * 2 ** 30;
}
