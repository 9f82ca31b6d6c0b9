/**
 * @module
 * The two edits every change of desired state is made of, shared by rollouts and experiments.
 * Both mutate the control state they are given (inside the coordinator's `change`): advancing a
 * model's rollout to its next generation (announced on the feed with a new sequence number),
 * and pushing on the stack of earlier stable versions that `rollback` returns to.
 */
import type { ModelRollout } from "../shared/sync/protocol.ts";
import type { ControlState } from "./control-store.ts";

/**
 * Advances a model's rollout in `s` to its next generation, in place: takes the next sequence
 * number (`s.seq`), stores the new rollout as the model's (`s.rollouts[model]`) and returns it.
 * Always a higher generation and a new sequence number. Callers run it inside the coordinator's
 * `change`, which saves `s` whole afterwards and announces the returned rollout.
 */
export function advanceRollout(
  s: ControlState,
  model: string,
  target: Pick<ModelRollout, "stable" | "canary" | "experiment">,
  reason: ModelRollout["reason"],
  note?: string,
): ModelRollout {
  s.seq += 1;
  const rollout: ModelRollout = {
    model,
    generation: (s.rollouts[model]?.generation ?? 0) + 1,
    seq: s.seq,
    ...(target.stable === undefined ? {} : { stable: target.stable }),
    ...(target.canary === undefined ? {} : { canary: target.canary }),
    ...(target.experiment === undefined ? {} : { experiment: target.experiment }),
    reason,
    ...(note === undefined ? {} : { note }),
  };
  s.rollouts[model] = rollout;
  return rollout;
}

/** Pushes `version` on the model's stack of earlier stable versions in `s`, in place (the last 100 are kept). */
export function pushHistory(s: ControlState, model: string, version: string): void {
  const h = (s.history[model] ??= []);
  h.push(version);
  if (h.length > 100) {
    h.shift();
  }
}
