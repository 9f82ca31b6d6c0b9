/**
 * @module
 * The `monitoring` field of a model manifest: the reference profile computed at publish and the
 * model's drift threshold. It lives in the manifest, so the TUF targets signature over the manifest
 * covers it: an edge or control plane that verified the version also verified its profile.
 */
import { z } from "zod";
import { DriftThresholdSchema } from "./drift.ts";
import { ReferenceProfileSchema } from "./profile.ts";

export const ModelMonitoringSchema = z.object({
  profile: ReferenceProfileSchema,
  drift: DriftThresholdSchema.default({ alert_at: 0.25, min_samples: 200 }),
});
export type ModelMonitoring = z.infer<typeof ModelMonitoringSchema>;
