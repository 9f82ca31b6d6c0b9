/**
 * @module
 * The control plane's learning-cache loop, per tenant: it keeps each tenant's labelled pairs and
 * feedback examples apart, the active scorer and the ones before it (rollback), and retrains on
 * demand, on a schedule (`runDue`: tenants with new feedback since their last training) or when
 * drift monitoring says a tenant's traffic changed (`onDrift`, the hook the monitor calls).
 * Tenants without a trained scorer get the untuned default.
 */
import { defaultScorer, type ScorerModel } from "../../../shared/cache/scorer/scorer-model.ts";
import type { Example } from "../../../shared/cache/scorer/train-logistic.ts";
import type { FeedbackExample } from "../../../shared/cache/scorer/feedback-example.ts";
import { retrainTenant, type RetrainInput, type RetrainResult } from "./retrain.ts";

interface TenantState {
  pairs: Example[];
  feedback: FeedbackExample[];
  /** Newest last; the last one is active. */
  history: ScorerModel[];
  feedbackAtLastTrain: number;
  lastResult?: RetrainResult;
}

export interface CacheTrainingOptions {
  readonly targetFalseHits?: number;
  /** The cosine threshold of the untuned default. */
  readonly defaultThreshold?: number;
  /** Feedback examples kept per tenant (oldest dropped first). */
  readonly maxFeedback?: number;
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
    return s.pairs.length;
  }

  addFeedback(tenant: string, example: FeedbackExample): void {
    const s = this.state(tenant);
    s.feedback.push(example);
    const over = s.feedback.length - (this.options.maxFeedback ?? 50_000);
    if (over > 0) {
      s.feedback.splice(0, over);
    }
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
    s.feedbackAtLastTrain = s.feedback.length;
    s.lastResult = result;
    if (result.promoted) {
      s.history.push(result.model);
    }
    return result;
  }

  /** Back to the scorer before the active one (or the default). */
  rollback(tenant: string): ScorerModel {
    this.state(tenant).history.pop();
    return this.active(tenant);
  }

  /** The schedule's step: retrain every tenant with feedback it has not trained on. */
  async runDue(): Promise<Map<string, RetrainResult>> {
    const out = new Map<string, RetrainResult>();
    for (const [tenant, s] of this.tenants) {
      if (s.feedback.length > s.feedbackAtLastTrain) {
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

  private state(tenant: string): TenantState {
    let s = this.tenants.get(tenant);
    if (!s) {
      s = { pairs: [], feedback: [], history: [], feedbackAtLastTrain: 0 };
      this.tenants.set(tenant, s);
    }
    return s;
  }
}
