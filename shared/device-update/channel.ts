/**
 * @module
 * Which published version a device installs: its channel. Until the sync service assigns
 * versions per cohort (a signed assignment: not built), a channel is a naming
 * convention over the semantic versions in the signed targets:
 *
 * - `latest` (the default): the highest version without a pre-release tag;
 * - any other name, e.g. `beta`: the highest version that is either a release or a
 *   pre-release whose first tag is that name (`2.1.0-beta.3`), so a beta device also moves on
 *   to newer releases.
 *
 * A resolver is a plain function, so an app embedding the client can pass its own (a pinned
 * version, a percentage rollout keyed by device id, the sync service's assignment later).
 */
import rcompare from "semver/functions/rcompare";
import prerelease from "semver/functions/prerelease";
import { z } from "zod";
import { DeviceError } from "./device-error.ts";

/** Picks the version to install among the published ones of one model, or null for none. */
export type ChannelResolver = (published: readonly string[]) => string | null;

export const ChannelSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,31}$/, "channels are a-z, 0-9 and '-', e.g. latest or beta");

export function channelResolver(channel: string): ChannelResolver {
  if (!ChannelSchema.safeParse(channel).success) {
    throw new DeviceError(
      "BAD_REQUEST",
      `channel ${JSON.stringify(channel)}: use a-z, 0-9 and '-', e.g. latest or beta`,
    );
  }
  return (published) => {
    const eligible = published.filter((v) => {
      const tags = prerelease(v);
      return tags === null || (channel !== "latest" && tags[0] === channel);
    });
    return eligible.toSorted(rcompare)[0] ?? null;
  };
}
