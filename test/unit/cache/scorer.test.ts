// The learning cache without the network: the pair scorer's default keeps the old behaviour,
// tuning calibrates a threshold whose false-hit upper bound meets the target, feedback that a
// semantic hit was wrong makes the same pair miss after a retrain (through the real partition
// cache), a candidate that raises false hits is refused, and tenants never share a scorer.
import { describe, expect, it } from "vitest";
import { nearVector, seededRandom, unitVector } from "../../support/synthetic-vectors.ts";
import { parsePairsFile } from "../../../cli/cache/pairs-file.ts";
import { CacheFeedbackSink } from "../../../edge/cache/cache-feedback.ts";
import { MemoryCacheStore } from "../../../shared/cache/memory-cache-store.ts";
import { wilson } from "../../../shared/cache/scorer/calibrate.ts";
import type { FeedbackExample } from "../../../shared/cache/scorer/feedback-example.ts";
import { PairScorer } from "../../../shared/cache/scorer/pair-scorer.ts";
import { defaultScorer, ScorerModelSchema, type ScorerModel } from "../../../shared/cache/scorer/scorer-model.ts";
import { tuneScorer } from "../../../shared/cache/scorer/tune.ts";
import { CacheTraining } from "../../../control/cache-training/cache-training.ts";
import { operatorPairs } from "../../support/scorer-pairs.ts";

const answer = { contentType: "application/json", body: '{"ok":true}', modelVersion: "1" };

describe("pair scorer", () => {
  it("untuned default: the cosine threshold, then the verifier's veto", () => {
    const scorer = new PairScorer(defaultScorer(0.953));
    expect(scorer.judge("How do I reset my password?", "How can I reset my password?", 0.96).ok).toBe(true);
    expect(scorer.judge("How do I reset my password?", "How can I reset my password?", 0.95)).toMatchObject({
      ok: false,
      reason: "scorer",
    });
    expect(scorer.judge("How do I enable two-factor login?", "How do I disable two-factor login?", 0.99)).toMatchObject(
      { ok: false, reason: "antonym" },
    );
  });

  it("Wilson bounds: 0 of 300 false hits still has an upper bound near 0.9 %", () => {
    const [lo, hi] = wilson(0, 300, 1.6449);
    expect(lo).toBe(0);
    expect(hi).toBeCloseTo(0.00894, 4);
  });

  it("tunes a threshold whose held-out false-hit upper bound meets the target, and serves more than the cosine alone", async () => {
    const pairs = operatorPairs(11);
    const progress: number[] = [];
    const model = await tuneScorer(pairs, {
      targetFalseHits: 0.01,
      tenant: "acme",
      onProgress: (d) => progress.push(d),
    });
    expect(ScorerModelSchema.parse(model)).toEqual(model);
    expect(progress.at(-1)).toBe(6);
    expect(model.calibration?.false_hit_upper).toBeLessThanOrEqual(0.01);
    expect(model.calibration?.hit_rate).toBeGreaterThan(0.9);
    // Cosine alone at 0.953 would serve only the paraphrases above it (about half here).
    const scorer = new PairScorer(model);
    expect(scorer.judge("How do I view my plan?", "How can I view my plan?", 0.92).ok).toBe(true);
    expect(scorer.judge("How do I view my plan?", "How do I cancel my team today?", 0.96).ok).toBe(false);
    expect(model.version).toMatch(/^sha256:[0-9a-f]{16}$/);
  });

  it("refuses to tune on too few pairs, naming the counts", async () => {
    await expect(tuneScorer(operatorPairs(1).slice(0, 30))).rejects.toThrow(/need at least 20 pairs of each label/);
  });
});

describe("retraining loop", () => {
  it("feedback marks a semantic hit wrong → retrain → the same pair no longer hits", async () => {
    const r = seededRandom(5);
    const tenant = "acme";
    const training = new CacheTraining();
    training.addPairs(tenant, operatorPairs(3));
    const shipped: FeedbackExample[] = [];
    const sink = new CacheFeedbackSink({
      ship: async (t, e) => {
        shipped.push(e);
        training.addFeedback(t, e);
      },
    });
    const store = new MemoryCacheStore();
    const cached = "How do I close my account?";
    const incoming = "How do I close my account for good?";
    const v = unitVector(r, 512);
    const w = nearVector(v, r, 0.01);
    await store.put("p", {
      exactKey: "k1",
      semantic: { query: cached, vector: v },
      answer,
      ttlMs: 60_000,
      capacity: 10,
    });
    const ask = (scorer: ScorerModel) =>
      store.lookup("p", {
        exactKey: "k2",
        semantic: { query: incoming, vector: w, threshold: scorer.candidate_floor, verifier: "rules", scorer },
      });

    const first = await ask(training.active(tenant));
    expect(first.kind).toBe("semantic");
    if (first.kind !== "semantic" || !first.judged) {
      throw new Error("expected a scored semantic hit");
    }
    sink.record({ tenant, requestId: "req-1", cached, incoming, features: first.judged.features, at: Date.now() });
    // Another tenant cannot give feedback on acme's request.
    const other = { tenant: "bob", feedback: { request_id: "req-1", label: "wrong" }, receivedAt: Date.now() };
    expect(await sink.accept(other)).toBe(false);
    expect(await sink.accept({ ...other, tenant })).toBe(true);
    expect(shipped).toMatchObject([{ label: 0, cached, incoming }]);

    const result = await training.retrain(tenant);
    expect(result).toMatchObject({ promoted: true, previous: "default-v1" });
    const next = training.active(tenant);
    expect(next.tenant).toBe(tenant);
    expect(await ask(next)).toMatchObject({ kind: "miss", rejected: { reason: "feedback" } });
    // Rollback returns to the untuned default, which would hit again.
    expect(training.rollback(tenant).version).toBe("default-v1");
  });

  it("a candidate that would raise false hits is refused promotion, and the old scorer stays", async () => {
    const training = new CacheTraining({
      // A broken tuner: accepts every candidate above cosine 0.
      tune: async (examples, options) => ({
        ...(await tuneScorer(examples, options)),
        threshold: 0,
        candidate_floor: 0,
        veto: false,
      }),
    });
    training.addPairs("acme", operatorPairs(9));
    const result = await training.retrain("acme");
    expect(result).toMatchObject({
      promoted: false,
      kept: "default-v1",
      reason: expect.stringMatching(/would raise held-out false hits to \d+\.\d+ % \(target ≤ 1\.00 %\)/),
    });
    expect(training.active("acme").version).toBe("default-v1");
  });
});

describe("pairs file", () => {
  it("reads TSV with a header and JSONL, and names the bad line", () => {
    const tsv = "text_a\ttext_b\tlabel\nreset password\treset my password\t1\nbuy\tsell\tmiss\n";
    expect(parsePairsFile(tsv, "p.tsv")).toEqual([
      { a: "reset password", b: "reset my password", label: 1 },
      { a: "buy", b: "sell", label: 0 },
    ]);
    expect(parsePairsFile('{"text_a":"a","text_b":"b","label":true}\n', "p.jsonl")).toEqual([
      { a: "a", b: "b", label: 1 },
    ]);
    expect(() => parsePairsFile("a\tb\tmaybe\n", "p.tsv")).toThrow(/p.tsv line 1: label/);
    expect(() => parsePairsFile('{"text_a":"a"}\n', "p.jsonl")).toThrow(/line 1: text_b/);
  });
});
