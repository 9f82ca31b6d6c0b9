/**
 * @module
 * Reads and discards a request body the route never read (an early 401, 403, 404 or 405),
 * up to the body cap, before the answer goes out. A server that answers without reading the
 * body drops the connection, and a keep-alive client that already queued its next request on
 * it sees a reset instead of an answer (the fuzz tests found this on workerd and on Node);
 * draining keeps the connection usable. Past the cap the body is cancelled, as it must be.
 * Edge and origin both call this from a small middleware.
 */

export async function drainUnread(request: Request, maxBytes: number): Promise<void> {
  const body = request.body;
  if (!body || request.bodyUsed) {
    return;
  }
  const reader = body.getReader();
  let seen = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        return;
      }
      seen += value.byteLength;
      if (seen > maxBytes) {
        await reader.cancel();
        return;
      }
    }
  } catch {
    // A client that went away mid-body: nothing left to drain.
  }
}
