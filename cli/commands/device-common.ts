/**
 * @module
 * What the `edgefleet device` commands share: the `--dir` argument, opening the device, and
 * turning the device client's refusals into one clear line (exit 2 for what the user fixes,
 * exit 1 for a refused or failed update).
 */
import { DeviceError } from "../../shared/device-update/device-error.ts";
import { openDevice, type Device } from "../../device/device.ts";
import { UserError } from "../output.ts";

export const dirArg = {
  type: "string",
  description: "The device directory (models, trusted metadata, state)",
  default: ".edgefleet/device",
} as const;

export function deviceAt(dir: string): Device {
  return openDevice({ dir });
}

/** The user can fix these by giving another argument or syncing first. */
const USER_CODES = new Set(["NEVER_SYNCED", "NO_PREVIOUS", "BAD_REQUEST"]);

export async function asDeviceUserErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (DeviceError.is(error) && USER_CODES.has(error.code)) {
      throw new UserError(error.message);
    }
    throw error;
  }
}

export function kb(bytes: number): string {
  return bytes >= 1e6 ? `${(bytes / 1e6).toFixed(2)} MB` : `${(bytes / 1e3).toFixed(1)} KB`;
}
