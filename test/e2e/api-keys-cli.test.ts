// `edgefleet keys create|list|revoke` against an edge in workerd with API keys on: the key it
// prints opens /v1/*, the list shows it without its secret, and after revoke it is refused; the
// operator makes a tenant's first admin key, which manages that tenant's keys and no other's.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEdge, startEdge } from "../../cli/local/edge-miniflare.ts";
import { type CliResult, runCli } from "../support/run-cli.ts";

const TOKEN = "cli-admin-token";
let edge: RunningEdge;

function edgefleet(...args: string[]): Promise<CliResult> {
  return runCli(args, { env: { EDGEFLEET_EDGE_URL: edge.url, EDGEFLEET_ADMIN_TOKEN: TOKEN } });
}

beforeAll(async () => {
  edge = await startEdge({ pop: "keys-cli", adminToken: TOKEN, vars: { AUTH: "on", LOG_LEVEL: "error" } });
});

afterAll(async () => {
  await edge?.close();
});

const models = (key: string) => fetch(`${edge.url}/v1/models`, { headers: { authorization: `Bearer ${key}` } });

describe("edgefleet keys create|list|revoke", () => {
  it("creates a working key, lists it without its secret, and revokes it", async () => {
    const created = await edgefleet(
      "keys",
      "create",
      "--tenant",
      "acme",
      "--scopes",
      "infer",
      "--name",
      "ci",
      "--json",
    );
    expect(created.code).toBe(0);
    const { key, id, tenant, scopes } = JSON.parse(created.stdout) as {
      key: string;
      id: string;
      tenant: string;
      scopes: string[];
    };
    expect({ tenant, scopes }).toEqual({ tenant: "acme", scopes: ["infer"] });
    expect((await models(key)).status).toBe(200);

    const listed = await edgefleet("keys", "list", "--tenant", "acme");
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(id);
    expect(listed.stdout).toContain("active");
    expect(listed.stdout).not.toContain(key);

    const revoked = await edgefleet("keys", "revoke", id, "--json");
    expect(revoked.code).toBe(0);
    expect((JSON.parse(revoked.stdout) as { revoked_at?: string }).revoked_at).toBeTruthy();
    const refused = await models(key);
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("revoked_api_key");
  });

  it("lets the operator make a tenant's first admin key, which then manages that tenant's keys and no other's", async () => {
    const first = await edgefleet("keys", "create", "--tenant", "acme", "--scopes", "admin", "--json");
    expect(first.code).toBe(0);
    const tenantAdmin = (JSON.parse(first.stdout) as { key: string }).key;
    const asTenant = (...args: string[]) => edgefleet(...args, "--admin-token", tenantAdmin);
    const infer = await asTenant("keys", "create", "--tenant", "acme", "--scopes", "infer", "--json");
    expect(infer.code).toBe(0);
    const inferKey = JSON.parse(infer.stdout) as { key: string; id: string };
    expect((await models(inferKey.key)).status).toBe(200);
    const own = await asTenant("keys", "list");
    expect(own.code).toBe(0);
    expect(own.stdout).toContain(inferKey.id);
    const other = await asTenant("keys", "create", "--tenant", "globex", "--scopes", "infer");
    expect(other.code).not.toBe(0);
    expect(other.stderr).toContain("tenant_forbidden");
    const wider = await asTenant("keys", "create", "--tenant", "acme", "--scopes", "operator");
    expect(wider.code).not.toBe(0);
    expect(wider.stderr).toContain("scope_not_grantable");
    // The bootstrap token administers; it does not run inference.
    const bootstrap = await models(TOKEN);
    expect(bootstrap.status).toBe(403);
    expect(((await bootstrap.json()) as { error: { code: string } }).error.code).toBe(
      "bootstrap_token_not_for_inference",
    );
  });

  it("says what is wrong with a bad credential or scope, and still offers the signing-key verbs", async () => {
    const bad = await edgefleet("keys", "list", "--admin-token", "wrong");
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("invalid_api_key");
    const scope = await edgefleet("keys", "create", "--tenant", "acme", "--scopes", "root");
    expect(scope.code).not.toBe(0);
    expect(scope.stderr).toContain("invalid_request");
    const help = await edgefleet("keys", "--help");
    expect(help.stdout + help.stderr).toMatch(/init[\s\S]*rotate[\s\S]*resign[\s\S]*create[\s\S]*list[\s\S]*revoke/);
  });
});
