/**
 * @module
 * What the request asks of the cache: `cache-control: no-store` (neither read nor fill),
 * `no-cache` (skip the lookup, still fill), and `x-edgefleet-cache-threshold` (a stricter
 * similarity threshold; a value below the operator's floor is refused, never honoured).
 */
import { ApiError } from "../../shared/errors.ts";

export interface CachePolicy {
  read: boolean;
  write: boolean;
  threshold: number;
}

export function cachePolicy(headers: Headers, floor: number): CachePolicy {
  const directives = (headers.get("cache-control") ?? "")
    .toLowerCase()
    .split(",")
    .map((d) => d.trim());
  const noStore = directives.includes("no-store");
  const noCache = directives.includes("no-cache");
  const raw = headers.get("x-edgefleet-cache-threshold");
  let threshold = floor;
  if (raw !== null) {
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0 || value > 1) {
      throw new ApiError(400, "invalid_cache_threshold", "x-edgefleet-cache-threshold must be a number in (0, 1].");
    }
    if (value < floor) {
      throw new ApiError(
        400,
        "cache_threshold_below_floor",
        `x-edgefleet-cache-threshold may raise the similarity threshold, not lower it below ${floor}.`,
      );
    }
    threshold = value;
  }
  return { read: !noStore && !noCache, write: !noStore, threshold };
}
