/** Reads a whole SSE response and splits it into events: what a streaming client would see. */
export interface SseEvent {
  event: string | undefined;
  data: string;
}

export async function readSse(
  res: Response,
): Promise<{ events: SseEvent[]; sawDone: boolean; errorEvent: SseEvent | undefined }> {
  const text = await res.text();
  const events = text
    .split(/\n\n/)
    .filter((block) => block.trim() !== "")
    .map((block) => {
      const lines = block.split("\n");
      return {
        event: lines
          .find((l) => l.startsWith("event:"))
          ?.slice(6)
          .trim(),
        data: lines
          .filter((l) => l.startsWith("data:"))
          .map((l) => l.slice(5).trim())
          .join("\n"),
      };
    });
  return {
    events,
    sawDone: events.some((e) => e.data === "[DONE]"),
    errorEvent: events.find((e) => e.event === "error"),
  };
}
