/**
 * @module
 * The device's persisted, monotonic "latest trusted time" (Uptane's secure-time idea, and TUF's
 * freeze-attack rule: expired metadata is never trusted): the latest moment this device has good reason to
 * believe has passed. Expiry checks use max(clock, latest trusted time), so a clock that was
 * set back (a dead RTC battery, a person) cannot make expired metadata look fresh again, and
 * no cached metadata that expired before that moment is ever accepted.
 *
 * It advances only after a refresh succeeded, i.e. when the clock was also earlier than the
 * expiry of freshly signed timestamp metadata; so a clock set far ahead fails that refresh
 * (EXPIRED) instead of freezing the device out forever.
 */
import { z } from "zod";
import type { NamedStore } from "../ports/named-store.ts";
import { readState, writeState } from "./device-state.ts";

export const TRUSTED_TIME_FILE = "trusted-time.json";

const TrustedTimeSchema = z.object({ latest_trusted_time: z.iso.datetime() }).strict();

/** The persisted latest trusted time, or null on a device that never completed a refresh. */
export async function readTrustedTime(store: NamedStore): Promise<Date | null> {
  const state = await readState(store, TRUSTED_TIME_FILE, TrustedTimeSchema);
  return state ? new Date(state.latest_trusted_time) : null;
}

/** The time expiry is judged by: the clock, unless the device has already seen later. */
export function effectiveNow(clock: Date, trusted: Date | null): Date {
  return trusted && trusted.getTime() > clock.getTime() ? trusted : clock;
}

/** Moves the latest trusted time forward to `clock` (never back). */
export async function advanceTrustedTime(store: NamedStore, clock: Date): Promise<Date> {
  const trusted = await readTrustedTime(store);
  if (trusted && trusted.getTime() >= clock.getTime()) {
    return trusted;
  }
  await writeState(store, TRUSTED_TIME_FILE, TrustedTimeSchema, { latest_trusted_time: clock.toISOString() });
  return clock;
}
