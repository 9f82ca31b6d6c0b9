/**
 * @module
 * The `cache` feedback sink: the learning cache's half of `POST /v1/feedback`. Every semantic hit
 * judged by a scorer is recorded for a bounded time (request id → tenant, the stored query, the
 * incoming one, the features the scorer saw). A "bad" verdict on it becomes a hard negative, a
 * "good" one a positive, shipped for that tenant only to its retraining (the control plane).
 * Records live in this isolate's memory: feedback that reaches another isolate, or arrives after
 * `ttlMs`, is not known here (404 from this sink).
 */
import type { LRUCache } from "lru-cache";
import { boundedCache } from "../../shared/cache/bounded-cache.ts";
import { pairHash } from "../../shared/cache/scorer/pair-hash.ts";
import type { FeedbackExample } from "../../shared/cache/scorer/feedback-example.ts";
import { verdictOf } from "../../shared/protocol/feedback.ts";
import type { FeedbackEvent, FeedbackSink } from "../feedback/feedback-sink.ts";

export interface SemanticHitRecord {
  readonly tenant: string;
  readonly requestId: string;
  readonly cached: string;
  readonly incoming: string;
  readonly features: readonly number[];
  readonly at: number;
  /** The registry release of the scorer that judged the hit (a rolled-out scorer), for the health gate. */
  readonly release?: ScorerRelease;
}

export interface ScorerRelease {
  readonly model: string;
  readonly version: string;
}

/** Where examples go: the control plane's `POST /v1/cache-training/:tenant/feedback`, or a test's array. */
export type ShipExample = (tenant: string, example: FeedbackExample) => Promise<void>;

export interface CacheFeedbackOptions {
  readonly ship: ShipExample;
  /** How long a hit can still receive feedback (default 1 h). */
  readonly ttlMs?: number;
  /** Records kept (least recently used first out; default 10 000). */
  readonly capacity?: number;
  /**
   * Told of every "bad" verdict on a hit judged by a rolled-out scorer: the PoP counts it as an
   * error of that scorer version, so a canary scorer that serves wrong answers is rolled back
   * by the same gate as a model that fails requests.
   */
  readonly onWrongHit?: (release: ScorerRelease) => void;
}

export class CacheFeedbackSink implements FeedbackSink {
  readonly name = "cache";
  private readonly hits: LRUCache<string, SemanticHitRecord>;
  private readonly options: CacheFeedbackOptions;

  constructor(options: CacheFeedbackOptions) {
    this.options = options;
    this.hits = boundedCache({ max: options.capacity ?? 10_000 });
  }

  record(hit: SemanticHitRecord): void {
    this.hits.set(`${hit.tenant}\u0000${hit.requestId}`, hit);
  }

  async accept(event: FeedbackEvent): Promise<boolean> {
    // Keyed by tenant too: another tenant's request id is simply unknown here.
    const key = `${event.tenant}\u0000${event.feedback.request_id}`;
    const hit = this.hits.get(key);
    if (!hit || event.receivedAt - hit.at > (this.options.ttlMs ?? 3_600_000)) {
      return false;
    }
    const verdict = verdictOf(event.feedback);
    if (verdict === undefined) {
      // Known, but a class label says nothing about whether the cached answer fit.
      return true;
    }
    this.hits.delete(key);
    if (verdict === "bad" && hit.release) {
      this.options.onWrongHit?.(hit.release);
    }
    await this.options.ship(hit.tenant, {
      features: [...hit.features],
      label: verdict === "good" ? 1 : 0,
      pair: pairHash(hit.cached, hit.incoming),
      cached: hit.cached,
      incoming: hit.incoming,
      at: event.receivedAt,
    });
    return true;
  }
}

/** Ships examples to the control plane over HTTP (the Worker's and the Node PoP's wiring). */
export function shipToControl(controlUrl: string, token: string | undefined): ShipExample {
  return async (tenant, example) => {
    const res = await fetch(
      `${controlUrl.replace(/\/$/, "")}/v1/cache-training/${encodeURIComponent(tenant)}/feedback`,
      {
        method: "POST",
        headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(example),
      },
    );
    await res.body?.cancel();
    if (!res.ok) {
      throw new Error(`control plane refused cache feedback: HTTP ${res.status}`);
    }
  };
}
