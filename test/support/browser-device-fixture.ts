/**
 * The browser device end to end, for tests and the `webgpu` bench: the device app built into
 * a temp folder, a real signed registry with default models, the real control-plane app
 * serving `/device/` and `/registry/` on loopback (with a request log and a `tamper` hook, as
 * in `registry-fixture.ts`), and headless Chromium with WebGPU on the software adapter.
 * With `edgeUrl`, `/edge/*` is a reverse proxy to that edge — the page and the edge on one
 * origin, as a site that routes a path to its PoP has them (the edge sends no CORS headers).
 */
import { serve } from "@hono/node-server";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { buildDeviceApp } from "../../cli/browser/build-device-app.ts";
import { controlApp } from "../../control/app.ts";
import { tokenAuthorizer } from "../../control/auth.ts";
import { Coordinator } from "../../control/coordinator.ts";
import { deviceAssets } from "../../control/device-assets.ts";
import { NamedControlStore } from "../../control/named-control-store.ts";
import { published } from "../../control/published.ts";
import { publishModel, type ModelDraft } from "../../shared/registry/publish.ts";
import { MemoryNamedStore } from "../../shared/storage/memory-named-store.ts";
import { launchChromium } from "./chromium.ts";
import {
  allSigners,
  type Keyring,
  makeKeys,
  makeRegistry,
  type Tamper,
  type TestRegistry,
} from "./registry-fixture.ts";
import { tempDir } from "./temp-dir.ts";

export interface LoggedRequest {
  path: string;
  range: string | null;
}

export interface BrowserDeviceFixture {
  url: string;
  /** The registry read API as the page sees it. */
  registryUrl: string;
  registry: TestRegistry;
  keys: Keyring;
  requests: LoggedRequest[];
  tamper: Tamper | undefined;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  publish(draft: ModelDraft): Promise<void>;
  /** Opens (or reloads) the `/device/` page and waits until its objects are there. */
  open(): Promise<void>;
  close(): Promise<void>;
}

async function proxy(request: Request, edgeUrl: string): Promise<Response> {
  const url = new URL(request.url);
  const body = request.method === "GET" || request.method === "HEAD" ? undefined : await request.arrayBuffer();
  const res = await fetch(`${edgeUrl}${url.pathname.slice("/edge".length)}${url.search}`, {
    method: request.method,
    headers: request.headers,
    ...(body ? { body } : {}),
  });
  return new Response(await res.arrayBuffer(), { status: res.status, headers: res.headers });
}

export async function startBrowserDevice(
  drafts: ModelDraft[],
  options: { edgeUrl?: string } = {},
): Promise<BrowserDeviceFixture> {
  const app = await buildDeviceApp(await tempDir("device-app"));
  const keys = await makeKeys();
  const registry = await makeRegistry(keys);
  const publish = async (draft: ModelDraft) => {
    await publishModel(draft, { blobs: registry.blobs, repository: registry.repository, keyring: allSigners(keys) });
  };
  for (const d of drafts) {
    await publish(d);
  }
  const control = controlApp({
    coordinator: new Coordinator({
      store: new NamedControlStore(new MemoryNamedStore()),
      versionExists: published(registry.metadata),
    }),
    registry: { metadata: registry.metadata, blobs: registry.blobs },
    authorize: tokenAuthorizer({ operator: "test-operator" }),
    deviceApp: deviceAssets(app.dir),
  });
  const state: Pick<BrowserDeviceFixture, "requests" | "tamper"> = { requests: [], tamper: undefined };
  const honest = async (r: Request): Promise<Response> => control.fetch(r);
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve(
      {
        fetch: async (request: Request) => {
          const path = new URL(request.url).pathname;
          state.requests.push({ path, range: request.headers.get("range") });
          if (options.edgeUrl && path.startsWith("/edge/")) {
            return proxy(request, options.edgeUrl);
          }
          return (await state.tamper?.(request, honest)) ?? honest(request);
        },
        port: 0,
        hostname: "127.0.0.1",
      },
      () => resolve(s as Server),
    );
    (s as Server).once("error", reject);
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await launchChromium();
  const context = await browser.newContext();
  const page = await context.newPage();
  const fixture: BrowserDeviceFixture = {
    url,
    registryUrl: `${url}/registry/`,
    registry,
    keys,
    get requests() {
      return state.requests;
    },
    get tamper() {
      return state.tamper;
    },
    set tamper(t: Tamper | undefined) {
      state.tamper = t;
    },
    browser,
    context,
    page,
    publish,
    async open() {
      await (page.url().startsWith(url) ? page.reload() : page.goto(`${url}/device/`));
      await page.waitForFunction(() => "edgefleet" in globalThis);
    },
    async close() {
      await browser.close();
      // The page may hold a stalled download open.
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
  return fixture;
}
