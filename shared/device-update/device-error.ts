/**
 * @module
 * Why the device client refused to do something with its own installed state, as a stable
 * code (metadata and download refusals are `TufError`s with the shared TUF codes instead).
 * Tests and the CLI assert the code; messages are for people.
 */
import { CodedError, isCodedError } from "../coded-error.ts";

export const DEVICE_ERROR_CODES = [
  /** The device has never completed a sync of this model (or of anything): nothing to run. */
  "NEVER_SYNCED",
  /** `rollback` on a model without a previous version. */
  "NO_PREVIOUS",
  /** An installed version's files no longer match their manifest (disk corruption, tampering). */
  "INTEGRITY_FAILED",
  /** Another process holds the device directory's lock. */
  "LOCKED",
  /** The device's own state is unreadable or inconsistent (a bug, or hand-edited files). */
  "BAD_STATE",
  /** A setting the caller gave is unusable (no server on first sync, an unknown channel…). */
  "BAD_REQUEST",
] as const;

export type DeviceErrorCode = (typeof DEVICE_ERROR_CODES)[number];

export class DeviceError extends CodedError<DeviceErrorCode> {
  override readonly name = "DeviceError";

  constructor(code: DeviceErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(code, message, options);
  }

  static is(value: unknown): value is DeviceError {
    return isCodedError(value, "DeviceError");
  }
}
