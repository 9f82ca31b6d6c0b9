/**
 * @module
 * Admission: which answers may be stored. Only complete successes: status 200 with a JSON body,
 * or an SSE stream that ended with `data: [DONE]` and carried no error event. Errors, cut or
 * failed streams, and anything else are never cached.
 */
import type { CachedAnswer } from "../../shared/cache/cache-entry.ts";

/** The answer to store, or undefined when it must not be stored. */
export function toCachedAnswer(
  status: number,
  contentType: string,
  body: string,
  modelVersion: string,
): CachedAnswer | undefined {
  if (status !== 200) {
    return undefined;
  }
  if (contentType.startsWith("application/json")) {
    return { contentType, body, modelVersion };
  }
  if (contentType.startsWith("text/event-stream")) {
    const events = completeSseEvents(body);
    return events ? { contentType, events, modelVersion } : undefined;
  }
  return undefined;
}

/** The `data:` payloads of a stream that finished cleanly, else undefined. */
export function completeSseEvents(text: string): string[] | undefined {
  const events: string[] = [];
  let done = false;
  for (const block of text.split(/\r?\n\r?\n/)) {
    const lines = block.split(/\r?\n/).filter((l) => l !== "" && !l.startsWith(":"));
    if (lines.length === 0) {
      continue;
    }
    if (done || lines.some((l) => l.startsWith("event: error") || l.startsWith("event:error"))) {
      return undefined;
    }
    const data = lines
      .filter((l) => l.startsWith("data:"))
      .map((l) => l.slice(5).trimStart())
      .join("\n");
    if (data === "[DONE]") {
      done = true;
      continue;
    }
    if (data.startsWith('{"error"')) {
      return undefined;
    }
    events.push(data);
  }
  return done ? events : undefined;
}
