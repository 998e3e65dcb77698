import type { ExplorationSettings } from '../train/exploration.js';
import { Recommender } from '../train/recommender.js';
import type { TrainedModel } from '../train/model.js';

/** What one campaign serves right now: a model and the campaign settings that shape its answers. */
export interface LiveDeployment {
  readonly campaignArn: string;
  readonly solutionVersionArn: string;
  readonly recommender: Recommender;
  readonly exploration: ExplorationSettings | undefined;
  /** Answers already computed from this deployment; see `AnswerCache`. */
  readonly answers: AnswerCache;
}

/**
 * A deployed model never changes, and its answers are deterministic (exploration is seeded by the
 * user), so an answer computed once serves every later identical request. The cache lives and dies
 * with its deployment: an update brings a new, empty one in the same step as the new model. It is
 * bounded by the characters it holds, not by entries, since one answer of 500 items weighs as much
 * as twenty of 25; the oldest answers go first.
 */
export class AnswerCache {
  private readonly entries = new Map<string, string>();
  private size = 0;

  /** @param capacity characters of keys and answers held at most (default 32 Mi, about 32 MiB of one-byte strings) */
  constructor(readonly capacity = 32 * 1024 * 1024) {}

  get(key: string): string | undefined {
    return this.entries.get(key);
  }

  set(key: string, answer: string): void {
    const weight = key.length + answer.length;
    if (weight > this.capacity || this.entries.has(key)) return;
    while (this.size + weight > this.capacity) {
      const oldest = this.entries.entries().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value[0]);
      this.size -= oldest.value[0].length + oldest.value[1].length;
    }
    this.entries.set(key, answer);
    this.size += weight;
  }

  /** Characters held now; never above `capacity`. */
  get heldCharacters(): number {
    return this.size;
  }
}

export type ModelLoader = (solutionVersionArn: string) => TrainedModel;

/** What the store says an ACTIVE campaign serves; undefined when it has no such campaign. */
export type ServedVersionLookup = (
  campaignArn: string,
) => { solutionVersionArn: string; campaignConfig: Record<string, unknown> | null } | undefined;

/**
 * The campaigns' loaded models. Each request takes one `LiveDeployment` reference and answers from it
 * alone, and an update replaces that reference in a single step, so under load every request sees
 * either the old version or the new one, never a mix. Models are loaded lazily after a restart.
 */
export class LiveDeployments {
  private readonly live = new Map<string, LiveDeployment>();

  /** @param answerCacheCapacity each deployment's `AnswerCache` capacity; 0 keeps no answers */
  constructor(
    private readonly loadModel: ModelLoader,
    private readonly servedVersion: ServedVersionLookup,
    private readonly answerCacheCapacity?: number,
  ) {}

  get(campaignArn: string): LiveDeployment | undefined {
    return this.live.get(campaignArn);
  }

  /** After a restart nothing is loaded: bring an ACTIVE campaign's model back on its first request. */
  restore(campaignArn: string): LiveDeployment | undefined {
    const served = this.servedVersion(campaignArn);
    if (!served) return undefined;
    const deployment = this.prepare(campaignArn, served.solutionVersionArn, served.campaignConfig);
    this.activate(deployment);
    return deployment;
  }

  /** Loads (or reuses) the model for a version; slow work happens here, before any switch. */
  prepare(
    campaignArn: string,
    solutionVersionArn: string,
    campaignConfig: Record<string, unknown> | null,
  ): LiveDeployment {
    const current = this.live.get(campaignArn);
    const recommender =
      current?.solutionVersionArn === solutionVersionArn
        ? current.recommender
        : new Recommender(this.loadModel(solutionVersionArn));
    return {
      campaignArn,
      solutionVersionArn,
      recommender,
      exploration: explorationOf(campaignConfig),
      answers: new AnswerCache(this.answerCacheCapacity),
    };
  }

  activate(deployment: LiveDeployment): void {
    this.live.set(deployment.campaignArn, deployment);
  }

  remove(campaignArn: string): void {
    this.live.delete(campaignArn);
  }
}

/** The service's `itemExplorationConfig`: string values, weight 0..1 (default 0.3), age cut-off in days (default 30). */
export function explorationOf(
  campaignConfig: Record<string, unknown> | null,
): ExplorationSettings | undefined {
  const config = campaignConfig?.['itemExplorationConfig'] as Record<string, string> | undefined;
  const weight = Number(config?.['explorationWeight'] ?? '0.3');
  const itemAgeCutOffDays = Number(config?.['explorationItemAgeCutOff'] ?? '30');
  return weight > 0 ? { weight, itemAgeCutOffDays } : undefined;
}
