// `npm start`'s network, started as a person starts it (the CLI in its own process): real
// requests through both workerd PoPs (one answered at the edge, one crossing to an origin
// with its request id), the PoPs' traffic on the control plane's /metrics, the operator
// dashboard in headless Chromium showing both PoPs, their versions and non-zero request
// counts (screenshot in test-artifacts/), a clear error for a taken port, and Ctrl-C
// stopping every process.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdir, readFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumMissing, launchChromium } from "../support/chromium.ts";
import { runCli } from "../support/run-cli.ts";
import { tempDir } from "../support/temp-dir.ts";

interface DevInfo {
  pops: { pop: string; url: string }[];
  origins: { region: string; url: string; log: string }[];
  control: { url: string; dashboard: string; metrics: string };
  models: string[];
  ready_ms: number;
}

const ARTIFACTS = "test-artifacts";
let child: ChildProcess;
let info: DevInfo;
let output = "";
let state: string;

async function logLine(file: string, id: string): Promise<Record<string, unknown> | undefined> {
  // The edge's lines reach its file through workerd's stdout: give them a moment.
  for (let i = 0; i < 40; i++) {
    const text = await readFile(file, "utf8").catch(() => "");
    const line = text
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.request_id === id);
    if (line) {
      return line;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return undefined;
}

beforeAll(async () => {
  state = await tempDir("dev");
  child = spawn(process.execPath, ["cli/bin.mjs", "dev", "--port", "0", "--state", state, "--json"], {
    env: { ...process.env, NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  info = await new Promise<DevInfo>((resolve, reject) => {
    let stdout = "";
    child.stdout?.on("data", (d: Buffer) => {
      stdout += d.toString();
      try {
        resolve(JSON.parse(stdout) as DevInfo);
      } catch {
        // Not the whole object yet.
      }
    });
    child.once("exit", (code) => reject(new Error(`edgefleet dev exited ${code}: ${output}${stdout}`)));
  });
  console.log(`edgefleet dev: ready in ${info.ready_ms} ms`);
}, 150_000);

afterAll(() => {
  if (child.exitCode === null) {
    child.kill("SIGKILL");
  }
});

function predictVad(url: string, requestId: string): Promise<Response> {
  return fetch(`${url}/v1/predict`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-request-id": requestId },
    body: JSON.stringify({ model: "silero-vad", input: { audio: [0, 0.01, -0.02, 0.03], sample_rate: 16_000 } }),
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("edgefleet dev (npm start)", () => {
  it("runs two PoPs that pulled every default model from the control plane, and both answer", async () => {
    expect(info.pops.map((p) => p.pop)).toEqual(["pop-a", "pop-b"]);
    expect(info.origins.map((o) => o.region)).toEqual(["us-east", "eu-west"]);
    expect(info.models).toContain("use-lite@1.0.0");
    for (const pop of info.pops) {
      const models = (await (await fetch(`${pop.url}/v1/models`)).json()) as {
        data: { id: string; version: string }[];
      };
      expect(models.data.map((m) => `${m.id}@${m.version}`).toSorted()).toEqual(info.models.toSorted());
      // Answered at the edge by the embedder it pulled.
      const emb = await fetch(`${pop.url}/v1/embeddings`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "use-lite", input: `hello from ${pop.pop}` }),
      });
      expect(emb.status).toBe(200);
      expect(emb.headers.get("x-edgefleet-served-by")).toBe(`edge/${pop.pop}`);
    }
  });

  it("carries the edge's request id to the origin: the same id in both structured logs", async () => {
    for (const [i, pop] of info.pops.entries()) {
      const id = `dev-test-${pop.pop}-${Date.now()}`;
      const res = await predictVad(pop.url, id);
      expect(res.status).toBe(200);
      expect(res.headers.get("x-request-id")).toBe(id);
      // Each PoP prefers its own region.
      const region = info.origins[i]?.region;
      expect(res.headers.get("x-edgefleet-served-by")).toBe(`origin/${region}`);
      const origin = info.origins.find((o) => o.region === region);
      expect(await logLine(origin?.log ?? "", id)).toMatchObject({
        event: "origin.request",
        region,
        path: "/v1/predict",
        status: 200,
      });
      expect(await logLine(join(state, "logs", `edge-${pop.pop}.log`), id)).toMatchObject({
        event: "edge.request",
        pop: pop.pop,
        status: 200,
        served_by: `origin/${region}`,
      });
    }
  });

  it("exports the PoPs' reported traffic on the control plane's /metrics, and the origins' own", async () => {
    let text = "";
    for (let i = 0; i < 40; i++) {
      text = await (await fetch(info.control.metrics)).text();
      if (info.pops.every((p) => text.includes(`edgefleet_edge_requests_total{pop="${p.pop}",route="/v1/predict"`))) {
        break;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    for (const p of info.pops) {
      expect(text).toMatch(
        new RegExp(`edgefleet_edge_requests_total\\{pop="${p.pop}",route="/v1/embeddings",status="200"\\} [1-9]`),
      );
      expect(text).toContain(`edgefleet_edge_origin_breaker{pop="${p.pop}",origin="us-east",region="us-east"} 0`);
    }
    expect(text).toContain('edgefleet_control_pop_model_serving{pop="pop-a",model="use-lite",version="1.0.0"} 1');
    const origin = await (await fetch(`${info.origins[0]?.url}/metrics`)).text();
    expect(origin).toMatch(/edgefleet_origin_requests_total\{route="\/v1\/predict",status="200"\} [1-9]/);
  });

  it.skipIf(chromiumMissing() !== undefined)(
    "shows the PoPs, their versions and their request counts on the dashboard, live",
    async () => {
      const browser = await launchChromium();
      try {
        const page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
        const res = await page.goto(info.control.dashboard);
        expect(res?.status()).toBe(200);
        // Traffic sent after the page loaded shows up through the live panel (a bounded burst, ~3 s).
        for (let round = 0; round < 12; round++) {
          await Promise.all(info.pops.map((pop) => predictVad(pop.url, `dev-live-${pop.pop}-${round}`)));
          await new Promise((r) => setTimeout(r, 250));
        }
        for (const pop of info.pops) {
          const section = page.locator(`section[data-pop="${pop.pop}"]`);
          await section.waitFor();
          await page.waitForFunction(
            (p) => Number(document.querySelector(`section[data-pop="${p}"] [data-testid=requests]`)?.textContent) >= 14,
            pop.pop,
            { timeout: 20_000 },
          );
          const text = (await section.textContent()) ?? "";
          for (const model of info.models) {
            const [id, version] = model.split("@");
            expect(text).toContain(id);
            expect(text).toContain(version);
          }
          expect(text).toContain("serving");
          expect(text).toContain("closed");
        }
        expect(Number(await page.locator("[data-testid=total-requests]").textContent())).toBeGreaterThan(0);
        // Every rollout has converged on both PoPs.
        const rollouts = (await page.locator("section", { hasText: "Rollouts" }).textContent()) ?? "";
        expect(rollouts.match(/2\/2/g)).toHaveLength(info.models.length);
        await mkdir(ARTIFACTS, { recursive: true });
        await page.screenshot({ path: join(ARTIFACTS, "dashboard.png"), fullPage: true });
        // Without the operator token the dashboard stays shut.
        const anonymous = await fetch(info.control.dashboard.replace(/\?token=.*/, ""));
        expect(anonymous.status).toBe(401);
      } finally {
        await browser.close();
      }
    },
  );

  it("names a taken port clearly and starts nothing", async () => {
    const server: Server = createServer();
    const port = await new Promise<number>((resolve) =>
      server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port)),
    );
    try {
      // The taken port is pop-b's (base + 1).
      const r = await runCli(["dev", "--port", String(port - 1), "--state", await tempDir("dev-port")]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain(`Port ${port} on 127.0.0.1 (edge pop-b) is already in use`);
    } finally {
      server.close();
    }
  });

  it("stops every process on Ctrl-C", async () => {
    const pid = child.pid ?? 0;
    const children = execFileSync("ps", ["-o", "pid=", "--ppid", String(pid)], { encoding: "utf8" })
      .split("\n")
      .map((s) => Number(s.trim()))
      .filter((n) => n > 0);
    expect(children.length).toBeGreaterThanOrEqual(2); // the two workerd processes
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGINT");
    expect(await exited).toBe(0);
    // An exited child is gone once the system has reaped it (a moment after its parent exits).
    let alive = children.filter(isAlive);
    for (let i = 0; i < 50 && alive.length > 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      alive = children.filter(isAlive);
    }
    expect(alive).toEqual([]);
  });
});
