// The isolate's L1 of exact hits: never outlives the stored entry or its own age bound, stays
// within its memory bound (least recently used first), and keys every partition part apart.
import { describe, expect, it } from "vitest";
import {
  exactKey,
  keyTexts,
  type PartitionParts,
  partitionKey,
  hashKeyText,
} from "../../../shared/cache/cache-keys.ts";
import { HotAnswers } from "../../../edge/cache/hot-answers.ts";

const answer = (body: string) => ({ contentType: "application/json", body, modelVersion: "origin:1" });
const parts: PartitionParts = {
  tenant: "tenant:a",
  route: "/v1/chat/completions",
  model: "m",
  modelVersion: "origin:1",
  fields: {},
};

describe("HotAnswers", () => {
  it("forgets an answer at the stored entry's expiry and after maxAgeMs, whichever is first", () => {
    const hot = new HotAnswers({ maxAgeMs: 1000, maxBytes: 1 << 20 });
    hot.set("early", answer("A"), 500, 0);
    hot.set("late", answer("B"), 10_000, 0);
    expect(hot.get("early", 499)?.body).toBe("A");
    expect(hot.get("early", 500)).toBeUndefined();
    expect(hot.get("late", 999)?.body).toBe("B");
    expect(hot.get("late", 1000)).toBeUndefined();
    hot.set("expired", answer("C"), 5, 10);
    expect(hot.get("expired", 10)).toBeUndefined();
  });

  it("evicts the least recently used past its byte bound and refuses an answer larger than it", () => {
    const hot = new HotAnswers({ maxAgeMs: 10_000, maxBytes: 1000 });
    const big = "x".repeat(150); // ~370 bytes each with its key: two fit, three do not
    hot.set("a", answer(big), 5000, 0);
    hot.set("b", answer(big), 5000, 0);
    expect(hot.get("a", 1)?.body).toBe(big); // a is now the most recently used
    hot.set("c", answer(big), 5000, 2);
    expect(hot.get("b", 3)).toBeUndefined();
    expect(hot.get("a", 3)?.body).toBe(big);
    expect(hot.get("c", 3)?.body).toBe(big);
    hot.set("huge", answer("y".repeat(1000)), 5000, 3);
    expect(hot.get("huge", 4)).toBeUndefined();
    expect(hot.size).toBe(2);
  });

  it("gives another tenant, model version, embedder, field or request another key", async () => {
    const request = { model: "m", messages: [{ role: "user", content: "hi" }] };
    const key = HotAnswers.keyOf(keyTexts(parts, request));
    expect(HotAnswers.keyOf(keyTexts({ ...parts }, { messages: request.messages, model: "m" }))).toBe(key);
    const others = [
      HotAnswers.keyOf(keyTexts({ ...parts, tenant: "tenant:b" }, request)),
      HotAnswers.keyOf(keyTexts({ ...parts, modelVersion: "origin:2" }, request)),
      HotAnswers.keyOf(keyTexts({ ...parts, embedder: "e2" }, request)),
      HotAnswers.keyOf(keyTexts({ ...parts, fields: { temperature: 0 } }, request)),
      HotAnswers.keyOf(keyTexts(parts, { ...request, messages: [{ role: "user", content: "hi!" }] })),
    ];
    expect(new Set([key, ...others]).size).toBe(6);
    // The texts are what the store's hashed keys are made of.
    const texts = keyTexts(parts, request);
    expect(await hashKeyText(texts.partition)).toBe(await partitionKey(parts));
    expect(await hashKeyText(texts.exact)).toBe(await exactKey(request));
  });
});
