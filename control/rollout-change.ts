/**
 * @module
 * The two edits every change of desired state is made of, shared by rollouts and experiments:
 * the next generation of a model's rollout (announced on the feed with a new sequence number),
 * and the stack of earlier stable versions that `rollback` returns to.
 */
import type { ModelRollout } from "../shared/sync/protocol.ts";
import type { ControlState } from "./store.ts";

/** The next generation of a model's rollout: always a higher generation and a new sequence number. */
export function next(
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

export function pushHistory(s: ControlState, model: string, version: string): void {
  const h = (s.history[model] ??= []);
  h.push(version);
  if (h.length > 100) {
    h.shift();
  }
}
