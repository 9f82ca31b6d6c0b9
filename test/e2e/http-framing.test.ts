// The three Node HTTP servers (origin, Node PoP, control plane) draw the same lines: one URL
// limit (414 uri_too_long past 8 KiB of path and query) and no request framed two ways
// (Transfer-Encoding: chunked together with Content-Length is a 400, never a guess — the
// request-smuggling shape). Checked over raw sockets, as a client or a proxy would send them.
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningControlPlane, startControlPlane } from "../../control/node-server.ts";
import { type RunningNodePop, startNodePop } from "../../edge/node/node-pop.ts";
import { type RunningOrigin, startOrigin } from "../../origin/server.ts";
import { MAX_URL_CHARS } from "../../shared/http/limit-url.ts";
import { silentLogger } from "../../shared/log.ts";
import { makeKeys, makeRegistry } from "../support/registry-fixture.ts";
import { tempDir } from "../support/temp-dir.ts";

let origin: RunningOrigin;
let pop: RunningNodePop;
let control: RunningControlPlane;
const servers: Record<string, string> = {};

beforeAll(async () => {
  const registry = await makeRegistry(await makeKeys());
  [origin, pop, control] = await Promise.all([
    startOrigin({ ...originConfig(), data_dir: await tempDir("framing-origin") }, silentLogger),
    startNodePop({
      pop: "framing",
      dataDir: await tempDir("framing-pop"),
      adminToken: "t",
      auth: "off",
      threads: 1,
      log: silentLogger,
    }),
    startControlPlane({ registryDir: registry.dir, operatorToken: "op" }),
  ]);
  servers.origin = origin.url;
  servers["node pop"] = pop.url;
  servers.control = control.url;
});

afterAll(async () => {
  await Promise.all([origin?.shutdown(), pop?.close(), control?.close()]);
});

function originConfig() {
  return {
    region: "framing",
    host: "127.0.0.1",
    port: 0,
    data_dir: "",
    manifests: [],
    batching: { max_batch: 1, max_wait_ms: 0 },
    threads: 1,
    cuda: false,
    memory_budget_mb: 256,
    max_body_bytes: 1_048_576,
    upstreams: [],
    drain_timeout_ms: 1000,
    log_level: "error" as const,
  };
}

/** Sends raw bytes and returns the status line's code of the first answer (0 if the connection closed without one). */
function rawStatus(url: string, request: string): Promise<number> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(request));
    let received = "";
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => {
      received += chunk;
      const match = /^HTTP\/1\.1 (\d{3})/.exec(received);
      if (match) {
        socket.destroy();
        resolve(Number(match[1]));
      }
    });
    socket.on("close", () => resolve(0));
    socket.on("error", reject);
  });
}

describe.each(["origin", "node pop", "control"])("the %s server", (name) => {
  it("answers 414 uri_too_long past the shared URL limit, and serves a URL just under it", async () => {
    const url = servers[name] as string;
    const long = await fetch(`${url}/healthz?pad=${"a".repeat(MAX_URL_CHARS)}`);
    expect(long.status).toBe(414);
    expect(((await long.json()) as { error: { code: string } }).error.code).toBe("uri_too_long");
    const fits = await fetch(`${url}/healthz?pad=${"a".repeat(MAX_URL_CHARS - 20)}`);
    expect(fits.status).toBeLessThan(400);
    await fits.arrayBuffer();
  });

  it("refuses a request framed both by Transfer-Encoding: chunked and by Content-Length with 400", async () => {
    const url = servers[name] as string;
    const body = '{"model":"x","input":{}}';
    const both =
      "POST /v1/predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" +
      `Content-Length: ${body.length}\r\nTransfer-Encoding: chunked\r\n\r\n` +
      `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`;
    expect(await rawStatus(url, both)).toBe(400);
    // The same body framed one way only is parsed as a request (whatever the route then says).
    const chunked =
      "POST /v1/predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n" +
      `Connection: close\r\n\r\n${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`;
    expect(await rawStatus(url, chunked)).not.toBe(400);
  });
});
