// Chat answers cached at the edge (the real Worker in workerd) in front of an OpenAI-compatible
// origin that logs every request it receives: the origin's count is the judge of what the
// cache answered. Partitions by tenant, system prompt and parameters; paraphrases answered
// semantically; streams replayed as they were; cut streams and no-store never stored.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEdge } from "../../cli/local/edge-miniflare.ts";
import { type FakeOrigin, startFakeOrigin } from "../support/fake-origin.ts";
import { postJson, seedEmbedder, startRoutingEdge } from "../support/origin-fixtures.ts";
import { untilCached } from "../support/until-cached.ts";
import { devTenantOf } from "../../edge/cache/tenant.ts";

let edge: RunningEdge;
let origin: FakeOrigin;
const ALICE = { authorization: "Bearer alice-secret" };
const BOB = { authorization: "Bearer bob-secret" };

beforeAll(async () => {
  origin = await startFakeOrigin("llm-eu");
  edge = await startRoutingEdge("cache", {
    origins: [{ id: "eu", region: "eu", endpoint: origin.url, models: ["fake-llm"] }],
    model_versions: { "fake-llm": "2026-11-01" },
  });
  await seedEmbedder(edge.url);
});

afterAll(async () => {
  await edge?.close();
  await origin?.stop();
});

const ask = (question: string, extra: Record<string, unknown> = {}) => ({
  model: "fake-llm",
  messages: [
    { role: "system", content: "You are a helpful support agent." },
    { role: "user", content: question },
  ],
  temperature: 0,
  ...extra,
});

/** Cache misses seen so far: only a miss may reach the origin. */
let misses = 0;

async function post(body: unknown, headers: Record<string, string>): Promise<Response> {
  const res = await postJson(edge.url, "/v1/chat/completions", body, headers);
  misses += res.headers.get("x-edgefleet-cache") === "miss" ? 1 : 0;
  return res;
}

async function answered(res: Response) {
  const text = await res.text();
  return {
    status: res.status,
    cache: res.headers.get("x-edgefleet-cache"),
    similarity: res.headers.get("x-edgefleet-similarity"),
    text,
  };
}

async function send(body: unknown, headers: Record<string, string> = {}) {
  return answered(await post(body, headers));
}

/** Fills land after the answer: repeats the request until the cache answers it. */
async function sendCached(body: unknown, headers: Record<string, string> = {}) {
  return answered(await untilCached(() => post(body, headers)));
}

const BARRIERS = [
  "Which planet is closest to the sun?",
  "How many legs does a spider have?",
  "What is the boiling point of water in Fahrenheit?",
];

/**
 * Stores an unrelated question in the same partition and waits for it: fills of one partition
 * land in order, so a fill of anything asked before it would have landed too.
 */
async function fillBarrier(extra: Record<string, unknown>, headers: Record<string, string>): Promise<void> {
  const question = BARRIERS.shift();
  if (question === undefined) {
    throw new Error("out of barrier questions");
  }
  expect((await send(ask(question, extra), headers)).cache).toBe("miss");
  expect((await sendCached(ask(question, extra), headers)).cache).toBe("hit");
}

describe("chat cache at the edge", () => {
  it("answers repeats and paraphrases within a tenant, never across tenants", async () => {
    const before = { origin: origin.count(), misses };
    expect((await send(ask("How do I reset my password?"), ALICE)).cache).toBe("miss");
    expect((await sendCached(ask("How do I reset my password?"), ALICE)).cache).toBe("hit");
    const para = await send(ask("How can I reset my password?"), ALICE);
    expect(para.cache).toBe("semantic");
    expect(Number(para.similarity)).toBeGreaterThanOrEqual(0.95);
    // The hit and the paraphrase never reached the origin: only misses (the first ask, and
    // any repeat sent before its fill had landed) did.
    expect(origin.count() - before.origin).toBe(misses - before.misses);
    // Bob asks the same things: his own partition, so the origin answers him.
    expect((await send(ask("How can I reset my password?"), BOB)).cache).toBe("miss");
    expect((await send(ask("How do I reset my password?"), { authorization: "Bearer carol" })).cache).toBe("miss");
    expect(origin.count() - before.origin).toBe(misses - before.misses);
  });

  it("never answers across a system prompt, a parameter or a conversation", async () => {
    const q = "Where can I download my invoices?";
    await send(ask(q), ALICE);
    expect((await sendCached(ask(q), ALICE)).cache).toBe("hit");
    const other = {
      ...ask(q),
      messages: [
        { role: "system", content: "You are a pirate." },
        { role: "user", content: q },
      ],
    };
    expect((await send(other, ALICE)).cache).toBe("miss");
    expect((await send(ask(q, { temperature: 0.7 }), ALICE)).cache).toBe("miss");
    expect((await send(ask(q, { max_tokens: 50 }), ALICE)).cache).toBe("miss");
    // Multi-turn: the same last question in another conversation is not matched by meaning.
    const convo = {
      ...ask(q),
      messages: [
        ...ask(q).messages,
        { role: "assistant", content: "In Billing." },
        { role: "user", content: "Where can I get my invoices?" },
      ],
    };
    expect((await send(convo, ALICE)).cache).toBe("miss");
  });

  it("replays a cached stream in its original chunks ending with [DONE]", async () => {
    const body = ask("Explain the refund policy.", { stream: true });
    const first = await send(body, ALICE);
    const second = await sendCached(body, ALICE);
    expect(first.cache).toBe("miss");
    expect(second.cache).toBe("hit");
    expect(second.text).toBe(first.text);
    expect(second.text.trimEnd().endsWith("data: [DONE]")).toBe(true);
  });

  it("never stores a cut stream, an error, or a no-store answer", async () => {
    origin.setFault({ kind: "stream-cut", after: 2 });
    const cut = ask("What are your opening hours?", { stream: true });
    const r1 = await send(cut, ALICE);
    expect(r1.text).not.toContain("[DONE]");
    origin.setFault({ kind: "ok" });
    await fillBarrier({ stream: true }, ALICE);
    const before = origin.count();
    expect((await send(cut, ALICE)).cache).toBe("miss");
    expect(origin.count() - before).toBe(1);

    origin.setFault({ kind: "status", status: 400, code: "context_length_exceeded" });
    const bad = ask("Summarise this very long text.");
    expect((await send(bad, ALICE)).status).toBe(400);
    origin.setFault({ kind: "ok" });
    await fillBarrier({}, ALICE);
    expect((await send(bad, ALICE)).cache).toBe("miss");

    const q = ask("Do you ship to Norway?");
    expect((await send(q, { ...ALICE, "cache-control": "no-store" })).cache).toBe("bypass");
    await fillBarrier({}, ALICE);
    expect((await send(q, ALICE)).cache).toBe("miss");
  });
});

describe("the verifier in front of semantic hits", () => {
  it("does not answer the opposite question, and says why", async () => {
    // USE-lite puts these at cosine 0.98 and 0.995: similarity alone would serve the wrong answer.
    for (const [stored, opposite] of [
      ["How do I turn on two-factor authentication?", "How do I turn off two-factor authentication?"],
      ["Can I cancel my order before it ships?", "Can I cancel my order after it ships?"],
    ] as const) {
      expect((await send(ask(stored), ALICE)).cache).toBe("miss");
      expect((await sendCached(ask(stored), ALICE)).cache).toBe("hit");
      const res = await postJson(edge.url, "/v1/chat/completions", ask(opposite), ALICE);
      await res.text();
      expect(res.headers.get("x-edgefleet-cache")).toBe("miss");
      expect(res.headers.get("x-edgefleet-cache-rejected")).toMatch(/^(antonym|direction|negation)$/);
      // The rejected question's own answer was stored as its own entry.
      expect((await sendCached(ask(opposite), ALICE)).cache).toBe("hit");
    }
  });

  it("does not answer 'under $300' with the answer for 'over $300'", async () => {
    expect((await send(ask("Show me flights to Rome over $300"), ALICE)).cache).toBe("miss");
    expect((await sendCached(ask("Show me flights to Rome over $300"), ALICE)).cache).toBe("hit");
    const res = await postJson(edge.url, "/v1/chat/completions", ask("Show me flights to Rome under $300"), ALICE);
    await res.text();
    expect(res.headers.get("x-edgefleet-cache")).toBe("miss");
    expect(res.headers.get("x-edgefleet-cache-rejected")).toMatch(/^(direction|number|antonym)$/);
  });
});

describe("per-tenant verifier setting", () => {
  it("lets an operator turn the verifier off for one tenant only", async () => {
    const dave = { authorization: "Bearer dave-secret" };
    const erin = { authorization: "Bearer erin-secret" };
    // With AUTH=off (local development) a tenant is named after its credential's hash.
    const daveTenant = await devTenantOf("dave-secret");
    const put = await fetch(`${edge.url}/admin/tenants/${daveTenant}`, {
      method: "PUT",
      headers: { authorization: "Bearer test-admin", "content-type": "application/json" },
      body: JSON.stringify({ cache_verifier: "off" }),
    });
    expect(put.status).toBe(200);
    for (const who of [dave, erin]) {
      await send(ask("Can I cancel my order before it ships?"), who);
      expect((await sendCached(ask("Can I cancel my order before it ships?"), who)).cache).toBe("hit");
    }
    const daveAnswer = await send(ask("Can I cancel my order after it ships?"), dave);
    const erinAnswer = await send(ask("Can I cancel my order after it ships?"), erin);
    expect(daveAnswer.cache).toBe("semantic");
    expect(erinAnswer.cache).toBe("miss");
    const refused = await fetch(`${edge.url}/admin/tenants/${daveTenant}`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(refused.status).toBe(401);
  });
});
