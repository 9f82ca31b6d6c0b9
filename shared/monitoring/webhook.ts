/**
 * @module
 * Alert webhooks: the JSON body is signed with HMAC-SHA256 over `<timestamp>.<body>` (header
 * `edgefleet-signature: t=<unix s>,v1=<hex>`, the Stripe scheme, so receivers can refuse replays),
 * and delivery is retried with exponential backoff on network errors and 5xx/429 answers.
 * Web Crypto and fetch only: it runs in the control plane's Node process and in its Worker.
 */

function hex(bytes: ArrayBuffer): string {
  return [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export async function signWebhook(secret: string, timestamp: number, body: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${timestamp}.${body}`));
  return `t=${timestamp},v1=${hex(mac)}`;
}

export interface WebhookOptions {
  url: string;
  secret: string;
  attempts?: number;
  /** First backoff in ms; doubles per attempt. */
  backoffMs?: number;
  fetcher?: typeof fetch;
}

/** Delivers one event; resolves with the attempts it took, rejects after the last failure. */
export async function deliverWebhook(event: unknown, options: WebhookOptions): Promise<number> {
  const body = JSON.stringify(event);
  const attempts = options.attempts ?? 5;
  const fetcher = options.fetcher ?? fetch;
  let lastError = "";
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const timestamp = Math.floor(Date.now() / 1000);
    try {
      const res = await fetcher(options.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "edgefleet-signature": await signWebhook(options.secret, timestamp, body),
        },
        body,
      });
      await res.body?.cancel();
      if (res.ok) {
        return attempt;
      }
      lastError = `HTTP ${res.status}`;
      if (res.status < 500 && res.status !== 429) {
        break; // the receiver refused the event; repeating it will not help
      }
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    if (attempt < attempts) {
      await new Promise((r) => setTimeout(r, (options.backoffMs ?? 200) * 2 ** (attempt - 1)));
    }
  }
  throw new Error(`webhook ${options.url} failed: ${lastError}`);
}
