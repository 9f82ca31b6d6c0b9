/**
 * One-client timings over a kept-alive connection with node:http (less client overhead than
 * fetch, the same for every target, so differences are the target's).
 */
import { Agent, request } from "node:http";

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

export interface Timed {
  status: number;
  /** ms from sending to the response head. */
  ttfbMs: number;
  /** ms from sending to the last byte. */
  totalMs: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export function timedPost(url: string, body: string, headers: Record<string, string> = {}): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(
      url,
      {
        method: "POST",
        agent,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), ...headers },
      },
      (res) => {
        const ttfbMs = performance.now() - started;
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => (text += d));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            ttfbMs,
            totalMs: performance.now() - started,
            headers: res.headers,
            body: text,
          }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}
