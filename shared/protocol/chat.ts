/**
 * @module
 * `POST /v1/chat/completions`, OpenAI-compatible. The edge and origins check the fields they
 * act on (model, messages, stream) and pass every other field through untouched to the
 * upstream inference server (vLLM, TGI, llama.cpp server, Ollama all speak this shape).
 */
import { z } from "zod";

const ContentPartSchema = z.looseObject({ type: z.string().max(64) });

export const ChatMessageSchema = z.looseObject({
  role: z.enum(["system", "developer", "user", "assistant", "tool"]),
  content: z.union([z.string(), z.array(ContentPartSchema).max(256), z.null()]).optional(),
});

export const ChatRequestSchema = z.looseObject({
  model: z.string().min(1).max(200),
  messages: z.array(ChatMessageSchema).min(1).max(1024),
  stream: z.boolean().optional(),
  max_tokens: z.number().int().positive().max(1_000_000).optional(),
  /** The newer name of `max_tokens`; the edge caps both. */
  max_completion_tokens: z.number().int().positive().max(1_000_000).optional(),
});
export type ChatRequest = z.infer<typeof ChatRequestSchema>;
