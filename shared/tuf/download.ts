/**
 * @module
 * Length-capped downloads (spec §5: every download has an upper bound): the body is read as
 * a stream and abandoned as soon as it passes the cap, so an endless response costs at most
 * the cap plus one network read of memory.
 */
import { TufError } from "./errors.ts";

export type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

/**
 * The body of `url`, at most `maxLength` bytes. `null` for 404 and 403 (the spec's "no such
 * version", which ends the root walk); any other failure throws DOWNLOAD_FAILED.
 */
export async function fetchCapped(
  fetcher: Fetch,
  url: string,
  maxLength: number,
  subject: string,
): Promise<Uint8Array | null> {
  let response: Response;
  try {
    // No redirects: a mirror must serve the file itself. ("error" is not implemented in workerd.)
    response = await fetcher(url, { redirect: "manual" });
  } catch (error) {
    throw new TufError("DOWNLOAD_FAILED", subject, `GET ${url} failed`, { cause: error });
  }
  if (response.status === 404 || response.status === 403) {
    await response.body?.cancel();
    return null;
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new TufError("DOWNLOAD_FAILED", subject, `GET ${url} answered ${response.status}`);
  }
  const declared = Number(response.headers.get("content-length") ?? "NaN");
  if (declared > maxLength) {
    await response.body?.cancel();
    throw new TufError(
      "LENGTH_EXCEEDED",
      subject,
      `the server declared ${declared} bytes; at most ${maxLength} are allowed`,
    );
  }
  return readCapped(response, maxLength, subject);
}

async function readCapped(response: Response, maxLength: number, subject: string): Promise<Uint8Array> {
  if (!response.body) {
    return new Uint8Array(0);
  }
  const reader = response.body.getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    let step: ReadableStreamReadResult<Uint8Array>;
    try {
      step = await reader.read();
    } catch (error) {
      throw new TufError("DOWNLOAD_FAILED", subject, "the response broke off", { cause: error });
    }
    if (step.done) {
      break;
    }
    total += step.value.byteLength;
    if (total > maxLength) {
      await reader.cancel();
      throw new TufError("LENGTH_EXCEEDED", subject, `the response passed ${maxLength} bytes`);
    }
    parts.push(step.value);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.byteLength;
  }
  return out;
}
