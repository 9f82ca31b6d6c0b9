/**
 * @module
 * One entry of `GET /v1/models` as OpenAI clients read it (`id`, `object`, `created`,
 * `owned_by`), with edgefleet's `version` and `task`. The edge and the origin both list
 * models; each adds what it alone knows (load state, backend) after these fields.
 */
export interface ModelObject {
  id: string;
  object: "model";
  /** OpenAI's creation time; edgefleet models carry versions instead, so always 0. */
  created: 0;
  owned_by: "edgefleet";
  version: string;
  /** A manifest task on the edge; what a backend reports on an origin (an OpenAI-compatible one may differ). */
  task: string;
}

export function modelObject(model: { id: string; version: string; task: string }): ModelObject {
  return { id: model.id, object: "model", created: 0, owned_by: "edgefleet", version: model.version, task: model.task };
}
