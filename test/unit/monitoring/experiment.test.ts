/**
 * A/B experiments: arms are sticky per user (the same on every PoP, since the hash is the only
 * state), the split honours the percentage, and outcome feedback that favours one arm is reported
 * as significant with that arm named better, while equal arms are not.
 */
import { describe, expect, it } from "vitest";
import { seededRandom } from "../../support/synthetic-vectors.ts";
import type { ArmOutcomes, Experiment } from "../../../shared/monitoring/experiment.ts";
import { ExperimentSchema, armOf, compareArms, wilson } from "../../../shared/monitoring/experiment.ts";

const experiment: Experiment = ExperimentSchema.parse({
  id: "exp-1",
  model: "use-lite",
  control: "1.0.0",
  candidate: "1.1.0",
  percent: 30,
});

/** Simulates users sending requests; the outcome feedback of each arm is right at the given rate. */
function simulate(accuracy: Record<"control" | "candidate", number>, users = 800, requestsPerUser = 3) {
  const random = seededRandom(42);
  const arms: Record<"control" | "candidate", ArmOutcomes> = {
    control: { good: 0, total: 0 },
    candidate: { good: 0, total: 0 },
  };
  const seen = new Map<string, Set<string>>();
  for (let u = 0; u < users; u++) {
    const user = `user-${u}`;
    for (let r = 0; r < requestsPerUser; r++) {
      // Any request may land on any PoP: each decides the arm from the hash alone, no shared state.
      const arm = armOf(experiment, user);
      seen.set(user, (seen.get(user) ?? new Set<string>()).add(arm));
      arms[arm].total++;
      if (random() + 0.5 < accuracy[arm]) {
        arms[arm].good++;
      }
    }
  }
  return { arms, seen };
}

describe("A/B experiments", () => {
  it("keeps every user on one arm and splits at the set percentage", () => {
    const { seen, arms } = simulate({ control: 0.7, candidate: 0.7 });
    expect([...seen.values()].every((s) => s.size === 1)).toBe(true);
    const share = arms.candidate.total / (arms.candidate.total + arms.control.total);
    expect(share).toBeGreaterThan(0.25);
    expect(share).toBeLessThan(0.35);
  });

  it("reports the arm that feedback favours as significantly better", () => {
    const { arms } = simulate({ control: 0.65, candidate: 0.8 });
    const c = compareArms(arms.control, arms.candidate);
    expect(c.significant).toBe(true);
    expect(c.better).toBe("candidate");
    const [lo, hi] = [wilson(arms.candidate), wilson(arms.control)];
    expect(lo.low).toBeGreaterThan(hi.rate);
  });

  it("does not call equal arms different", () => {
    const { arms } = simulate({ control: 0.7, candidate: 0.7 });
    expect(compareArms(arms.control, arms.candidate).significant).toBe(false);
  });

  it("refuses an experiment with a bad percentage", () => {
    expect(ExperimentSchema.safeParse({ ...experiment, percent: 140 }).success).toBe(false);
  });
});
