// The bootstrap ADMIN_TOKEN is rate limited on /admin/* like any key (at the edge's default
// limits; here RATE_LIMIT_RPM=5 so the bucket runs dry quickly), and it is refused on /v1/*, so
// it can neither flood the key store nor bypass the /v1 limiter. A Node PoP with keys on: the
// same edge app and middleware as the Worker, with the in-memory limiter.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningNodePop, startNodePop } from "../../edge/node/node-pop.ts";
import { silentLogger } from "../../shared/log.ts";
import { tempDir } from "../support/temp-dir.ts";

const TOKEN = "rate-admin-token";
let pop: RunningNodePop;

beforeAll(async () => {
  pop = await startNodePop({
    pop: "admin-limits",
    dataDir: await tempDir("admin-limits"),
    adminToken: TOKEN,
    auth: "on",
    threads: 1,
    log: silentLogger,
    env: { RATE_LIMIT_RPM: "5" },
  });
});

afterAll(async () => {
  await pop?.close();
});

const asOperator = { authorization: `Bearer ${TOKEN}` };

describe("the bootstrap token's limits", () => {
  it("answers 429 rate_limit_exceeded on /admin/* once its requests per minute are spent", async () => {
    const answers: Response[] = [];
    for (let i = 0; i < 7; i++) {
      answers.push(await fetch(`${pop.url}/admin/tenants/acme`, { headers: asOperator }));
    }
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 429, 429]);
    const refused = answers[5] as Response;
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("rate_limit_exceeded");
  });

  it("is refused on /v1/*, so it cannot stand in for a key there", async () => {
    const res = await fetch(`${pop.url}/v1/models`, { headers: asOperator });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("bootstrap_token_not_for_inference");
  });
});
