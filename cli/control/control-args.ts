/**
 * @module
 * Arguments the rollout commands share (control-plane URL and operator token, defaults from
 * the environment), and the client they build; control-plane errors become one-line user errors.
 */
import { ControlClient, ControlError } from "../../shared/sync/control-client.ts";
import { UserError } from "../output.ts";

export const serverArg = {
  type: "string",
  description: "Control-plane URL (default: $EDGEFLEET_CONTROL)",
} as const;

export const tokenArg = {
  type: "string",
  description: "Operator bearer token (default: $EDGEFLEET_TOKEN)",
} as const;

export function controlClient(args: { server?: string | undefined; token?: string | undefined }): ControlClient {
  const server = args.server ?? process.env.EDGEFLEET_CONTROL;
  if (!server) {
    throw new UserError("name the control plane: --server <url> or EDGEFLEET_CONTROL");
  }
  return new ControlClient(server, args.token ?? process.env.EDGEFLEET_TOKEN);
}

/** Runs a control-plane call; its refusals (404, 409, 401) are the operator's to fix. */
export async function asControlErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ControlError && error.status < 500) {
      throw new UserError(`${error.message} (${error.code})`);
    }
    if (error instanceof TypeError) {
      throw new UserError(`cannot reach the control plane: ${error.message}`);
    }
    throw error;
  }
}

/** `model@version` → its parts. */
export function parseRef(ref: string): { model: string; version: string } {
  const at = ref.lastIndexOf("@");
  if (at <= 0 || at === ref.length - 1) {
    throw new UserError(`name a version as <model>@<version> (got ${JSON.stringify(ref)})`);
  }
  return { model: ref.slice(0, at), version: ref.slice(at + 1) };
}
