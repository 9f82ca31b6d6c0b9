/**
 * @module
 * Why a TUF client refused something, as a stable machine-readable code. Tests, logs and
 * device reports assert the code, never the message. Every rejection leaves the client's
 * trusted metadata as it was.
 */
import { CodedError, isCodedError } from "../coded-error.ts";

export const TUF_ERROR_CODES = [
  /** A version lower than one already trusted (timestamp, snapshot, targets, root). */
  "ROLLBACK",
  /** Metadata past its `expires` (freeze attack, or an unmaintained repository). */
  "EXPIRED",
  /** Signed metadata whose version differs from the one its parent role names (mix-and-match). */
  "VERSION_MISMATCH",
  /** Bytes whose sha256 differs from the one signed metadata gives (tampered target or metadata). */
  "HASH_MISMATCH",
  /** A response longer than the signed length or the fixed cap (endless data). */
  "LENGTH_EXCEEDED",
  /** Too few distinct authorized keys signed (a key id counts once, however often it signs). */
  "THRESHOLD_NOT_MET",
  /** Signed by a key the trusted root does not authorize for the role. */
  "UNKNOWN_KEY",
  /** Signed by a key this client saw rotated out of the role (a stolen old key). */
  "REVOKED_KEY",
  /** An authorized key id whose signature does not verify (tampered or forged metadata). */
  "BAD_SIGNATURE",
  /** A chunk whose sha256 differs from the one the verified manifest lists. */
  "CHUNK_HASH_MISMATCH",
  /** Not valid TUF metadata of the expected role (JSON, `_type`, schema). */
  "BAD_METADATA",
  /** No target of that path in the trusted targets metadata. */
  "TARGET_NOT_FOUND",
  /** A target path or role name outside the safe alphabet (path traversal). */
  "PATH_REJECTED",
  /** The repository could not be reached or answered an error. */
  "DOWNLOAD_FAILED",
  /** No trusted root to start from. */
  "NOT_INITIALIZED",
] as const;

export type TufErrorCode = (typeof TUF_ERROR_CODES)[number];

export class TufError extends CodedError<TufErrorCode> {
  override readonly name = "TufError";
  /** The metadata role or target the failure is about. */
  readonly subject: string;

  constructor(code: TufErrorCode, subject: string, message: string, options: { cause?: unknown } = {}) {
    super(code, `${code}: ${subject}: ${message}`, options);
    this.subject = subject;
  }

  static is(value: unknown): value is TufError {
    return isCodedError(value, "TufError");
  }
}
