/**
 * @module
 * The control plane's learning-cache loop, per tenant: it keeps each tenant's labelled pairs and
 * feedback examples apart, the active scorer and the ones before it (rollback), and retrains on
 * demand, on a schedule (`runDue`: tenants with new feedback since their last training) or when
 * drift monitoring says a tenant's traffic changed (`onDrift`, the hook the monitor calls).
 * Tenants without a trained scorer get the untuned default.
 */
import { defaultScorer, type ScorerModel } from "../../shared/cache/scorer/scorer-model.ts";
import type { Example } from "../../shared/cache/scorer/train-logistic.ts";
import type { FeedbackExample } from "../../shared/cache/scorer/feedback-example.ts";
import { retrainTenant, type RetrainInput, type RetrainResult } from "./retrain.ts";
import type { TenantTraining } from "./training-snapshot.ts";

interface TenantState {
  pairs: Example[];
  feedback: FeedbackExample[];
  /** Newest last; the last one is active. */
  history: ScorerModel[];
  /** Feedback examples received in all (the list itself is capped, so its length stops growing). */
  feedbackTotal: number;
  feedbackAtLastTrain: number;
  lastResult?: RetrainResult;
}

export interface CacheTrainingOptions {
  readonly targetFalseHits?: number;
  /** The cosine threshold of the untuned default. */
  readonly defaultThreshold?: number;
  /** Feedback examples kept per tenant (oldest dropped first). */
  readonly maxFeedback?: number;
  /** Operator pairs kept per tenant (oldest dropped first), so memory and the state file stay bounded. */
  readonly maxPairs?: number;
  /** Scorers kept for rollback per tenant (oldest dropped first). */
  readonly maxHistory?: number;
  /** Called after every change to a tenant's state (persistence marks it dirty). */
  readonly onChange?: (tenant: string) => void;
  readonly tune?: RetrainInput["tune"];
}

export class CacheTraining {
  private readonly tenants = new Map<string, TenantState>();
  private readonly options: CacheTrainingOptions;

  constructor(options: CacheTrainingOptions = {}) {
    this.options = options;
  }

  active(tenant: string): ScorerModel {
    return this.state(tenant).history.at(-1) ?? defaultScorer(this.options.defaultThreshold ?? 0.953);
  }

  addPairs(tenant: string, pairs: readonly Example[]): number {
    const s = this.state(tenant);
    s.pairs.push(...pairs);
    dropOldest(s.pairs, this.options.maxPairs ?? 200_000);
    this.options.onChange?.(tenant);
    return s.pairs.length;
  }

  addFeedback(tenant: string, example: FeedbackExample): void {
    const s = this.state(tenant);
    s.feedback.push(example);
    s.feedbackTotal += 1;
    dropOldest(s.feedback, this.options.maxFeedback ?? 50_000);
    this.options.onChange?.(tenant);
  }

  async retrain(tenant: string): Promise<RetrainResult> {
    const s = this.state(tenant);
    const result = await retrainTenant({
      tenant,
      current: this.active(tenant),
      pairs: s.pairs,
      feedback: s.feedback,
      targetFalseHits: this.options.targetFalseHits ?? 0.01,
      ...(this.options.tune ? { tune: this.options.tune } : {}),
    });
    s.feedbackAtLastTrain = s.feedbackTotal;
    s.lastResult = result;
    if (result.promoted) {
      s.history.push(result.model);
      dropOldest(s.history, this.options.maxHistory ?? 20);
    }
    this.options.onChange?.(tenant);
    return result;
  }

  /** Back to the scorer before the active one (or the default). */
  rollback(tenant: string): ScorerModel {
    this.state(tenant).history.pop();
    this.options.onChange?.(tenant);
    return this.active(tenant);
  }

  /** The schedule's step: retrain every tenant with feedback it has not trained on. */
  async runDue(): Promise<Map<string, RetrainResult>> {
    const out = new Map<string, RetrainResult>();
    for (const [tenant, s] of this.tenants) {
      if (s.feedbackTotal > s.feedbackAtLastTrain) {
        out.set(tenant, await this.retrain(tenant));
      }
    }
    return out;
  }

  /** Drift monitoring's hook: the tenant's traffic changed, so its scorer is retrained now. */
  onDrift(tenant: string): Promise<RetrainResult> {
    return this.retrain(tenant);
  }

  /** Tenants with labelled pairs or feedback: the ones a drift-triggered retrain can learn for. */
  tenantsWithData(): string[] {
    return [...this.tenants].filter(([, s]) => s.pairs.length + s.feedback.length > 0).map(([tenant]) => tenant);
  }

  lastResult(tenant: string): RetrainResult | undefined {
    return this.tenants.get(tenant)?.lastResult;
  }

  tenantIds(): string[] {
    return [...this.tenants.keys()];
  }

  /** The tenant's state as persistence writes it. */
  snapshot(tenant: string): TenantTraining {
    const s = this.state(tenant);
    return {
      format: "edgefleet.cache-training/v1",
      tenant,
      pairs: s.pairs.map((p) => ({ ...p, features: [...p.features] })),
      feedback: [...s.feedback],
      history: [...s.history],
      feedbackTotal: s.feedbackTotal,
      feedbackAtLastTrain: s.feedbackAtLastTrain,
      ...(s.lastResult ? { lastResult: s.lastResult } : {}),
    };
  }

  /** Puts back a tenant's state read at start (replaces what is in memory for that tenant). */
  restore(snapshot: TenantTraining): void {
    this.tenants.set(snapshot.tenant, {
      pairs: snapshot.pairs,
      feedback: snapshot.feedback,
      history: snapshot.history,
      feedbackTotal: snapshot.feedbackTotal,
      feedbackAtLastTrain: snapshot.feedbackAtLastTrain,
      ...(snapshot.lastResult ? { lastResult: snapshot.lastResult } : {}),
    });
  }

  private state(tenant: string): TenantState {
    let s = this.tenants.get(tenant);
    if (!s) {
      s = { pairs: [], feedback: [], history: [], feedbackTotal: 0, feedbackAtLastTrain: 0 };
      this.tenants.set(tenant, s);
    }
    return s;
  }
}

function dropOldest(items: unknown[], max: number): void {
  const over = items.length - max;
  if (over > 0) {
    items.splice(0, over);
  }
}
