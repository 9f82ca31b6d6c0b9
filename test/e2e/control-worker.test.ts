// The control plane deployed as a Worker: the real bundle (deploy/control/wrangler.toml) in
// workerd via Miniflare, driven over HTTP. The registry is published as usual and copied into
// the Worker's R2 bucket; a TUF client refreshes through the Worker; operators roll out v1 and
// a 25% canary of v2, an edge long-polls the feed (answered from inside the coordinator Durable
// Object) and reports; promote, rollback and the health gate each make a higher generation;
// after a restart on the same storage the desired state and the PoP reports are still there,
// and the feed streams as server-sent events out of the object.
import { readFile, readdir } from "node:fs/promises";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type RunningControlWorker,
  buildControlBundle,
  startControlWorker,
} from "../../cli/local/control-miniflare.ts";
import { MemoryNamedStore } from "../../shared/storage/memory-named-store.ts";
import { ControlClient, ControlError } from "../../shared/sync/control-client.ts";
import type { PopReport, Status } from "../../shared/sync/protocol.ts";
import { TufClient } from "../../shared/tuf/client.ts";
import { makeKeys, makeRegistry, type TestRegistry } from "../support/registry-fixture.ts";
import { mlpVersions, popIds, publishMlp } from "../support/sync-fleet.ts";
import { tempDir } from "../support/temp-dir.ts";

const OPERATOR = "worker-operator";
const EDGE = "worker-edge";
const [CANARY_POP = "pop-0"] = popIds("pop", 1, 1, 25);

let registry: TestRegistry;
let script: string;
let persistDir: string;
let worker: RunningControlWorker;

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

function report(state: "ready" | "serving", generation: number, requests: number, errors: number): PopReport {
  return {
    pop: CANARY_POP,
    seq: generation,
    models: [
      {
        model: "mlp",
        generation,
        desired: "2.0.0",
        served: "2.0.0",
        state,
        health: [{ version: "2.0.0", requests, errors, p95_ms: 3 }],
      },
    ],
  };
}

beforeAll(async () => {
  const keys = await makeKeys();
  registry = await makeRegistry(keys);
  const { v1, v2 } = mlpVersions();
  await publishMlp(registry, keys, "mlp", "1.0.0", v1);
  await publishMlp(registry, keys, "mlp", "2.0.0", v2);
  persistDir = await tempDir("control-worker");
  script = await buildControlBundle("dist/control-test");
  worker = await startControlWorker({ operatorToken: OPERATOR, edgeToken: EDGE, persistDir, script });
  // The bucket holds the registry key for key as `edgefleet publish` lays it out on disk.
  const bucket = await worker.mf.getR2Bucket("REGISTRY");
  for (const dir of ["metadata", "blobs"]) {
    for (const file of await filesUnder(join(registry.dir, dir))) {
      // A copy: Miniflare's proxy takes whole ArrayBuffers, not views into Node's buffer pool.
      await bucket.put(relative(registry.dir, file), new Uint8Array(await readFile(file)));
    }
  }
});

afterAll(async () => {
  await worker.close();
});

describe("control plane Worker with a coordinator Durable Object", () => {
  it("serves the signed registry from R2", async () => {
    const trusted = new MemoryNamedStore();
    await TufClient.trust(trusted, new Uint8Array(await readFile(join(registry.dir, "metadata", "1.root.json"))));
    const tuf = new TufClient({
      metadataUrl: `${worker.url}/registry/metadata/`,
      targetsUrl: `${worker.url}/registry/targets/`,
      store: trusted,
    });
    const versions = await tuf.refresh();
    expect(versions.targets).toBeGreaterThanOrEqual(3);

    const [chunk] = await filesUnder(join(registry.dir, "blobs"));
    expect(chunk).toBeDefined();
    const sha = chunk?.split("/").at(-1) ?? "";
    const res = await fetch(`${worker.url}/registry/chunks/${sha}`);
    expect(res.status).toBe(200);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(new Uint8Array(await readFile(chunk ?? "")));
    expect((await fetch(`${worker.url}/registry/chunks/${"0".repeat(64)}`)).status).toBe(404);
  });

  it("refuses missing and under-privileged tokens", async () => {
    expect((await fetch(`${worker.url}/v1/sync/feed?pop=${CANARY_POP}`)).status).toBe(401);
    const edge = new ControlClient(worker.url, EDGE);
    await expect(edge.rollout({ model: "mlp", version: "1.0.0", channel: "stable" })).rejects.toMatchObject({
      status: 401,
      code: "invalid_token",
    });
  });

  it("rolls out, canaries, promotes, rolls back and gates through the Durable Object", async () => {
    const operator = new ControlClient(worker.url, OPERATOR);
    const edge = new ControlClient(worker.url, EDGE);
    await expect(operator.rollout({ model: "mlp", version: "9.9.9", channel: "stable" })).rejects.toBeInstanceOf(
      ControlError,
    );

    const v1 = await operator.rollout({ model: "mlp", version: "1.0.0", channel: "stable" });
    expect(v1).toMatchObject({ stable: "1.0.0", generation: 1, seq: 1 });
    expect((await edge.feed(CANARY_POP, 0, 0)).rollouts).toEqual([v1]);

    // A long poll from the last seen sequence number, woken inside the object by the canary.
    const order: string[] = [];
    const polled = edge.feed(CANARY_POP, v1.seq, 20_000).then((feed) => {
      order.push("woken");
      return feed;
    });
    // Give the poll time to park in the object (nothing tells when it has; sent later, it would
    // simply find the canary at once).
    await new Promise((r) => setTimeout(r, 200));
    const canary = await operator.rollout({ model: "mlp", version: "2.0.0", channel: "canary", percent: 25 });
    expect(canary).toMatchObject({ stable: "1.0.0", canary: { version: "2.0.0", percent: 25 }, generation: 2 });
    // Woken, not timed out: a second poll, sent after the canary with nothing newer to wait for,
    // runs its whole 5 s; the first (20 s) must have answered before it.
    const idle = edge.feed(CANARY_POP, canary.seq, 5_000).then((feed) => {
      order.push("idle poll ended");
      return feed;
    });
    expect((await polled).rollouts).toEqual([canary]);
    expect((await idle).rollouts).toEqual([]);
    expect(order).toEqual(["woken", "idle poll ended"]);

    await edge.report(report("ready", canary.generation, 30, 0));
    const seen = await operator.status();
    expect(seen.pops).toEqual([
      expect.objectContaining({ pop: CANARY_POP, canary: true, models: [expect.objectContaining({ state: "ready" })] }),
    ]);
    expect(seen.rollouts).toEqual([canary]);

    const promoted = await operator.promote("mlp");
    expect(promoted).toMatchObject({ stable: "2.0.0", generation: 3, reason: "promote" });
    expect(promoted.canary).toBeUndefined();
    const back = await operator.rollback("mlp");
    expect(back).toMatchObject({ stable: "1.0.0", generation: 4, reason: "rollback" });

    // A canary PoP over the gate's error rate: the coordinator rolls back by itself.
    const again = await operator.rollout({ model: "mlp", version: "2.0.0", channel: "canary", percent: 25 });
    expect(again.generation).toBe(5);
    await edge.report(report("serving", again.generation, 30, 10));
    const gated = await edge.feed(CANARY_POP, again.seq, 0);
    expect(gated.rollouts).toEqual([
      expect.objectContaining({ stable: "1.0.0", generation: 6, reason: "auto-rollback" }),
    ]);
    expect(gated.rollouts[0]?.canary).toBeUndefined();
    // Compacted: an edge behind by several changes gets the latest one per model.
    expect((await edge.feed(CANARY_POP, canary.seq, 0)).rollouts.map((r) => r.generation)).toEqual([6]);
  });

  it("keeps the desired state across a restart on the same storage", async () => {
    const before: Status = await new ControlClient(worker.url, OPERATOR).status();
    expect(before.seq).toBe(6);
    await worker.close();
    worker = await startControlWorker({ operatorToken: OPERATOR, edgeToken: EDGE, persistDir, script });
    const operator = new ControlClient(worker.url, OPERATOR);
    expect(await operator.status()).toEqual(before);
    // The sequence goes on from the persisted state: the next change is generation 7, seq 7.
    const next = await operator.rollout({ model: "mlp", version: "2.0.0", channel: "stable" });
    expect(next).toMatchObject({ stable: "2.0.0", generation: 7, seq: 7 });

    // The feed as server-sent events streams out of the object too (catch-up from Last-Event-ID).
    const abort = new AbortController();
    const res = await fetch(`${worker.url}/v1/sync/stream`, {
      headers: { authorization: `Bearer ${EDGE}`, "last-event-id": "6" },
      signal: abort.signal,
    });
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const body = res.body;
    if (!body) {
      throw new Error("the stream has no body");
    }
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    while (!text.includes("\n\n")) {
      const { value, done } = await reader.read();
      if (done) {
        break;
      }
      text += value;
    }
    abort.abort();
    expect(text).toContain("id: 7");
    expect(text).toContain('"generation":7');
  });
});
