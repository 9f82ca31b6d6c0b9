/**
 * Drift on real text: the real USE-lite embeds STS-B sentences (`EDGEFLEET_DATA_DIR`); a reference
 * profile from 500 captions; the remaining captions as live traffic in 50-request windows (one sync
 * report each, judged over a sliding window of 4) must raise no alert; switching to news or forum
 * sentences must raise one within 200 requests. Sketches carry counts, never the sentences.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { GenreRequest } from "../../support/genre-drift.ts";
import {
  embedRequests,
  genreProfile,
  observationOf,
  stsbByGenre,
  streamWindows,
  unkIdOf,
} from "../../support/genre-drift.ts";
import { hasCacheDevData } from "../../support/cache-dev-pairs.ts";
import type { ReferenceProfile } from "../../../shared/monitoring/profile.ts";
import { ReferenceProfileSchema } from "../../../shared/monitoring/profile.ts";
import { LiveSketch, mergeReports } from "../../../shared/monitoring/sketch.ts";

const THRESHOLD = { alert_at: 0.25, min_samples: 200 };
const OPTIONS = { windowSize: 50, windows: 4, threshold: THRESHOLD };

describe.skipIf(!hasCacheDevData())("genre drift on STS-B with the real embedder", () => {
  let captions: GenreRequest[] = [];
  let news: GenreRequest[] = [];
  let forum: GenreRequest[] = [];
  let profile: ReferenceProfile;
  let unk = 0;

  beforeAll(async () => {
    const genres = stsbByGenre();
    [captions, news, forum] = await Promise.all([
      embedRequests(genres.get("main-captions") ?? []),
      embedRequests((genres.get("main-news") ?? []).slice(0, 400)),
      embedRequests((genres.get("main-forum") ?? []).slice(0, 400)),
    ]);
    unk = unkIdOf();
    profile = genreProfile(captions.slice(0, 500), unk);
  }, 120_000);

  it("the profile validates, holds no sentence, and is small enough to sign in a manifest", () => {
    const json = JSON.stringify(ReferenceProfileSchema.parse(profile));
    expect(json.length).toBeLessThan(64_000);
    expect(captions.slice(0, 500).some((c) => json.includes(c.text))).toBe(false);
  });

  it("in-genre traffic raises no alert; news traffic raises one within 200 requests", () => {
    const r = streamWindows(profile, captions.slice(500), news, unk, OPTIONS);
    expect(r.judgedBefore).toBeGreaterThanOrEqual(20);
    expect(r.falseAlarms).toBe(0);
    expect(r.detectRequests).not.toBeNull();
    expect(r.detectRequests ?? Infinity).toBeLessThanOrEqual(200);
    expect(r.alerts[0]?.score ?? 0).toBeGreaterThanOrEqual(THRESHOLD.alert_at);
    console.log(
      `captions→news: ${r.falseAlarms}/${r.judgedBefore} false alarms, alert after ${r.detectRequests} requests (${r.alerts[0]?.statistic})`,
    );
  });

  it("a switch to forum sentences is detected too", () => {
    const r = streamWindows(profile, captions.slice(500), forum, unk, OPTIONS);
    expect(r.falseAlarms).toBe(0);
    expect(r.detectRequests ?? Infinity).toBeLessThanOrEqual(200);
    console.log(`captions→forum: alert after ${r.detectRequests} requests (${r.alerts[0]?.statistic})`);
  });

  it("two PoPs' sketches merge to the sketch of all their traffic, and carry no text", () => {
    const traffic = captions.slice(500, 700);
    const [a, b, whole] = [new LiveSketch(profile), new LiveSketch(profile), new LiveSketch(profile)];
    traffic.forEach((r, i) => {
      const o = observationOf(r, unk, profile);
      (i % 2 === 0 ? a : b).observe(o);
      whole.observe(o);
    });
    const merged = mergeReports(profile, [
      a.report("use-lite", "1.0.0", 0, 60_000),
      b.report("use-lite", "1.0.0", 0, 60_000),
    ]);
    expect(merged.requests).toBe(200);
    for (const [name, h] of Object.entries(whole.histograms)) {
      expect(merged.histograms[name]?.counts).toEqual(h.counts);
    }
    const wire = JSON.stringify(a.report("use-lite", "1.0.0", 0, 60_000));
    expect(traffic.some((r) => wire.includes(r.text))).toBe(false);
  });
});
