// A trivial OpenAI-compatible upstream for the gateway bench: fixed answers, negligible cost.
// Run as its own process (node bench/lib/trivial-upstream.mjs), so it does not share the
// load generator's event loop. Prints its URL on stdout.
import { createServer } from "node:http";

const completion = JSON.stringify({
  id: "chatcmpl-bench",
  object: "chat.completion",
  created: 0,
  model: "bench-llm",
  choices: [
    { index: 0, message: { role: "assistant", content: "Paris is the capital of France." }, finish_reason: "stop" },
  ],
  usage: { prompt_tokens: 12, completion_tokens: 7, total_tokens: 19 },
});
const chunk = (text, finish) =>
  `data: ${JSON.stringify({ id: "chatcmpl-bench", object: "chat.completion.chunk", created: 0, model: "bench-llm", choices: [{ index: 0, delta: finish ? {} : { content: text }, finish_reason: finish ? "stop" : null }] })}\n\n`;
const words = ["Paris", " is", " the", " capital", " of", " France", "."];

const server = createServer((req, res) => {
  if (req.method === "GET") {
    res.writeHead(200, { "content-type": "application/json" });
    res.end('{"object":"list","data":[{"id":"bench-llm","object":"model","created":0,"owned_by":"bench"}]}');
    return;
  }
  let body = "";
  req.on("data", (d) => (body += d));
  req.on("end", () => {
    if (body.includes('"stream":true')) {
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      for (const w of words) {
        res.write(chunk(w, false));
      }
      res.end(`${chunk("", true)}data: [DONE]\n\n`);
      return;
    }
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(completion) });
    res.end(completion);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => process.stdout.write(`http://127.0.0.1:${server.address().port}\n`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
