/**
 * @module
 * `edgefleet keys create|list|revoke`: API keys of tenants, managed through an edge's admin
 * API (`/admin/keys`), which writes them to the key store every PoP reads (KV). The caller
 * authenticates with the bootstrap `ADMIN_TOKEN` or an `operator` key (every tenant), or a
 * tenant's `admin` key (that tenant's keys only, no `publish`/`operator` scopes), from
 * `--admin-token` or `EDGEFLEET_ADMIN_TOKEN`; the edge refuses the rest with a stable code
 * (`tenant_forbidden`, `scope_not_grantable`), which is printed. A new key's secret is printed once.
 */
import { defineCommand } from "citty";
import { z } from "zod";
import { jsonArg, printResult, UserError } from "../output.ts";

const edgeArg = {
  type: "string",
  description: "Base URL of an edge (its admin API); or EDGEFLEET_EDGE_URL",
} as const;
const tokenArg = {
  type: "string",
  description: "ADMIN_TOKEN, an operator key, or a tenant's admin key (that tenant only); or EDGEFLEET_ADMIN_TOKEN",
} as const;

const KeyViewSchema = z.object({
  id: z.string(),
  tenant: z.string(),
  scopes: z.array(z.string()),
  name: z.string().optional(),
  created_at: z.string(),
  created_by: z.string(),
  revoked_at: z.string().optional(),
});
type KeyView = z.infer<typeof KeyViewSchema>;
const ErrorBodySchema = z.object({ error: z.object({ message: z.string(), code: z.string() }) });

interface Target {
  url: string;
  token: string;
}

function target(args: { edge?: string | undefined; "admin-token"?: string | undefined }): Target {
  const url = args.edge ?? process.env.EDGEFLEET_EDGE_URL;
  const token = args["admin-token"] ?? process.env.EDGEFLEET_ADMIN_TOKEN;
  if (!url) {
    throw new UserError("name the edge with --edge <url> or EDGEFLEET_EDGE_URL");
  }
  if (!token) {
    throw new UserError(
      "give an admin credential (ADMIN_TOKEN, an operator key or a tenant's admin key) with --admin-token or EDGEFLEET_ADMIN_TOKEN",
    );
  }
  return { url: url.replace(/\/$/, ""), token };
}

async function call(t: Target, method: string, path: string, body?: unknown): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(`${t.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${t.token}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (error) {
    throw new UserError(`cannot reach ${t.url}: ${String(error)}`);
  }
  const json: unknown = await res.json().catch(() => undefined);
  if (!res.ok) {
    const parsed = ErrorBodySchema.safeParse(json);
    throw new UserError(
      parsed.success ? `${parsed.data.error.message} (${parsed.data.error.code})` : `the edge answered ${res.status}`,
    );
  }
  return json;
}

function line(k: KeyView): string {
  const state = k.revoked_at ? `revoked ${k.revoked_at}` : "active";
  return `${k.id}  ${k.tenant}  ${k.scopes.join(",")}  ${state}${k.name ? `  ${k.name}` : ""}`;
}

const createCommand = defineCommand({
  meta: { name: "create", description: "Create an API key for a tenant (the key is shown once)" },
  args: {
    tenant: { type: "string", description: "Tenant the key belongs to", required: true },
    scopes: {
      type: "string",
      description: "Comma-separated: infer, admin (the tenant's own), publish, operator (fleet-wide)",
      default: "infer",
    },
    name: { type: "string", description: "A label for people" },
    rpm: { type: "string", description: "Requests per minute for this key (default: the edge's)" },
    tpm: { type: "string", description: "Text tokens per minute for this key (default: the edge's)" },
    edge: edgeArg,
    "admin-token": tokenArg,
    json: jsonArg,
  },
  async run({ args }) {
    const limits =
      args.rpm === undefined && args.tpm === undefined
        ? undefined
        : { requests_per_minute: Number(args.rpm ?? 600), tokens_per_minute: Number(args.tpm ?? 200_000) };
    const body = {
      tenant: args.tenant,
      scopes: args.scopes.split(",").map((s) => s.trim()),
      ...(args.name === undefined ? {} : { name: args.name }),
      ...(limits ? { limits } : {}),
    };
    const created = KeyViewSchema.extend({ key: z.string() }).parse(
      await call(target(args), "POST", "/admin/keys", body),
    );
    printResult(args.json, created, () => `${line(created)}\nkey (shown once, store it now): ${created.key}`);
  },
});

const listCommand = defineCommand({
  meta: { name: "list", description: "List API keys (never their secrets)" },
  args: {
    tenant: { type: "string", description: "Only this tenant's keys (a tenant's admin key: its own by default)" },
    edge: edgeArg,
    "admin-token": tokenArg,
    json: jsonArg,
  },
  async run({ args }) {
    const query = args.tenant === undefined ? "" : `?tenant=${encodeURIComponent(args.tenant)}`;
    const { data } = z
      .object({ data: z.array(KeyViewSchema) })
      .parse(await call(target(args), "GET", `/admin/keys${query}`));
    printResult(args.json, { keys: data }, () => (data.length === 0 ? "no keys" : data.map(line).join("\n")));
  },
});

const revokeCommand = defineCommand({
  meta: {
    name: "revoke",
    description: "Revoke an API key: refused at once on that edge, everywhere within about 70 s",
  },
  args: {
    id: { type: "positional", description: "The key's id (16 hex characters)", required: true },
    edge: edgeArg,
    "admin-token": tokenArg,
    json: jsonArg,
  },
  async run({ args }) {
    const revoked = KeyViewSchema.parse(
      await call(target(args), "DELETE", `/admin/keys/${encodeURIComponent(args.id)}`),
    );
    printResult(args.json, revoked, () => line(revoked));
  },
});

export const apiKeyCommands = { create: createCommand, list: listCommand, revoke: revokeCommand };
