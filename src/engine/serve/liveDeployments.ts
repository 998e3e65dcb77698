import type { Logger } from 'pino';
import type { ExplorationSettings } from '../train/exploration.js';
import { AnswerCache, DeploymentAnswers } from './answerCache.js';
import { Recommender } from '../train/recommender.js';
import type { TrainedModel } from '../train/model.js';

/** What one campaign serves right now: a model and the campaign settings that shape its answers. */
export interface LiveDeployment {
  readonly campaignArn: string;
  readonly solutionVersionArn: string;
  readonly recommender: Recommender;
  readonly exploration: ExplorationSettings | undefined;
  /** `campaignConfig.enableMetadataWithRecommendations`: requests may ask for item metadata. */
  readonly metadataEnabled: boolean;
  /** Answers already computed from this deployment, in the engine-wide `AnswerCache`. */
  readonly answers: DeploymentAnswers;
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
  private prepared = 0;

  constructor(
    private readonly loadModel: ModelLoader,
    private readonly servedVersion: ServedVersionLookup,
    /** One budget for the answers of every campaign. */
    readonly answerCache: AnswerCache = new AnswerCache(128 * 1024 * 1024),
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
      metadataEnabled: campaignConfig?.['enableMetadataWithRecommendations'] === true,
      answers: new DeploymentAnswers(this.answerCache, `${campaignArn}#${++this.prepared}`),
    };
  }

  /** Makes `deployment` the one its campaign serves; the answers of the one it replaces go. */
  activate(deployment: LiveDeployment): void {
    const replaced = this.live.get(deployment.campaignArn);
    this.live.set(deployment.campaignArn, deployment);
    if (replaced && replaced.answers !== deployment.answers) replaced.answers.retire();
  }

  /**
   * Unloads the deployments `stale` picks (their answers go with them); each reloads on its next
   * request, as after a restart. PutItems uses it so new items join the served catalogue.
   */
  unloadWhere(stale: (deployment: LiveDeployment) => boolean): void {
    for (const deployment of [...this.live.values()]) {
      if (stale(deployment)) this.remove(deployment.campaignArn);
    }
  }

  remove(campaignArn: string): void {
    this.live.get(campaignArn)?.answers.retire();
    this.live.delete(campaignArn);
  }

  /** One log line with what the answer cache holds and how well it serves. */
  logCacheUse(logger: Logger): void {
    logger.info({ answerCache: this.answerCache.stats() }, 'answer cache use');
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
