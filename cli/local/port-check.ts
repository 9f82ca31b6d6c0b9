/**
 * @module
 * Says clearly which port is taken before a server fails with a bare EADDRINUSE.
 */
import { createServer } from "node:net";
import { UserError } from "../output.ts";

export async function assertPortFree(port: number, host: string, what: string): Promise<void> {
  if (port === 0) {
    return;
  }
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once("error", (error: NodeJS.ErrnoException) => {
      reject(
        error.code === "EADDRINUSE"
          ? new UserError(
              `Port ${port} on ${host} (${what}) is already in use. Stop what uses it, or pick another port (see --help).`,
            )
          : error,
      );
    });
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}
