/**
 * @module
 * The `/device` page's service worker: it keeps the app shell (the page, its script) and the
 * onnxruntime-web runtime files in Cache Storage, so a device that synced once opens and runs
 * its models offline. Shell files are answered from the cache first (the build id in the cache
 * name changes with every build, and an old cache is dropped on activation); everything else —
 * the registry's signed metadata and chunks, the edge — always goes to the network: the
 * device's own verified store, not this cache, is what keeps models.
 */

/** The slice of the service-worker global scope used here (the DOM lib does not declare it). */
interface WorkerScope {
  location: Location;
  skipWaiting(): Promise<void>;
  clients: { claim(): Promise<void> };
  addEventListener(type: "install" | "activate", listener: (event: ExtendableEvent) => void): void;
  addEventListener(type: "fetch", listener: (event: FetchEvent) => void): void;
}
interface ExtendableEvent extends Event {
  waitUntil(work: Promise<unknown>): void;
}
interface FetchEvent extends ExtendableEvent {
  readonly request: Request;
  respondWith(response: Promise<Response>): void;
}

declare const EDGEFLEET_BUILD: string;
/** Files of the shell, relative to the worker's folder; filled in by the build. */
declare const EDGEFLEET_SHELL: string[];

const scope = globalThis as unknown as WorkerScope;
const CACHE = `edgefleet-device-${EDGEFLEET_BUILD}`;
const base = new URL("./", scope.location.href);
const shell = new Set(EDGEFLEET_SHELL.map((f) => new URL(f, base).href));

scope.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll([...shell]))
      .then(() => scope.skipWaiting()),
  );
});

scope.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(names.filter((n) => n.startsWith("edgefleet-device-") && n !== CACHE).map((n) => caches.delete(n))),
      )
      .then(() => scope.clients.claim()),
  );
});

scope.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") {
    return;
  }
  const url = new URL(request.url);
  url.search = "";
  url.hash = "";
  // The page itself is asked for as `/device/` (and `?store=…`): the cached index.html answers.
  const key = url.href === base.href ? new URL("index.html", base).href : url.href;
  if (!shell.has(key)) {
    return;
  }
  event.respondWith(caches.open(CACHE).then(async (cache) => (await cache.match(key)) ?? fetch(request)));
});
