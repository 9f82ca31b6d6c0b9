/**
 * @module
 * A cached answer back as a response: the JSON body as stored, or the stream's SSE events in
 * their original order ending with `data: [DONE]`.
 */
import type { CachedAnswer } from "../../shared/cache/cache-entry.ts";

export function replayAnswer(answer: CachedAnswer): Response {
  if (answer.events) {
    const text = `${answer.events.map((e) => `data: ${e}\n\n`).join("")}data: [DONE]\n\n`;
    return new Response(text, {
      headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" },
    });
  }
  return new Response(answer.body ?? "", { headers: { "content-type": answer.contentType } });
}
