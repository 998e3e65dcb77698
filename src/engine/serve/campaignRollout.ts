import { setImmediate as nextTick, setTimeout as sleep } from 'node:timers/promises';
import type { EngineContext } from '../context.js';
import {
  completeCampaignUpdate,
  findCampaign,
  listCampaigns,
  setCampaignStatus,
  setCampaignUpdateStatus,
  startCampaignUpdate,
  type CampaignRecord,
} from '../store/campaignRecords.js';
import { listSolutionVersions } from '../store/solutionVersionRecords.js';

/** The suffix of `solutionArn/$LATEST`, the form that names a solution's latest ACTIVE version. */
export const LATEST_VERSION_SUFFIX = '/$LATEST';

/**
 * Starts an update of the campaign to `solutionVersionArn`, keeping its other settings: the rollout
 * UpdateCampaign starts, for a campaign that follows its solution's latest version.
 */
function startSyncUpdate(ctx: EngineContext, campaign: CampaignRecord, solutionVersionArn: string): void {
  startCampaignUpdate(
    ctx.db,
    campaign.arn,
    {
      solutionVersionArn,
      minProvisionedTPS: campaign.minProvisionedTPS,
      campaignConfig: campaign.campaignConfig,
    },
    ctx.now(),
  );
  ctx.logger.info(
    { campaign: campaign.arn, solutionVersionArn },
    'campaign follows its latest solution version',
  );
  ctx.background(() => rollOutUpdate(ctx, campaign.arn));
}

/** The newest ACTIVE version of a solution trained with FULL: what `$LATEST` and campaign syncing deploy. */
export function latestActiveVersion(ctx: EngineContext, solutionArn: string): string | undefined {
  return listSolutionVersions(ctx.db, solutionArn).find(
    (version) => version.status === 'ACTIVE' && version.trainingMode === 'FULL',
  )?.arn;
}

/**
 * Campaigns with `syncWithLatestSolutionVersion` move to their solution's latest ACTIVE FULL version
 * when it is not the one they serve: called when a training ends ACTIVE and when a rollout ends (a
 * version that became ACTIVE during an update is deployed next). A campaign being created or updated
 * is left alone until then.
 */
export function syncCampaignsToLatest(ctx: EngineContext, solutionArn: string): void {
  const latest = latestActiveVersion(ctx, solutionArn);
  if (!latest) return;
  for (const campaign of listCampaigns(ctx.db, solutionArn)) {
    if (campaign.campaignConfig?.['syncWithLatestSolutionVersion'] !== true) continue;
    if (campaign.status !== 'ACTIVE' || campaign.solutionVersionArn === latest) continue;
    const update = campaign.latestUpdate;
    if (update && (update.status === 'CREATE PENDING' || update.status === 'CREATE IN_PROGRESS')) continue;
    startSyncUpdate(ctx, campaign, latest);
  }
}

/** A version ARN is its solution's plus '/<id>'. */
function solutionOf(solutionVersionArn: string): string {
  return solutionVersionArn.slice(0, solutionVersionArn.lastIndexOf('/'));
}

/**
 * The campaign keeps serving its current version until the new one is loaded; then the stored record
 * and the live deployment switch together, with no await in between.
 */
export async function rollOutUpdate(ctx: EngineContext, arn: string): Promise<void> {
  await nextTick();
  setCampaignUpdateStatus(ctx.db, arn, 'CREATE IN_PROGRESS', ctx.now());
  await sleep(ctx.timings.campaignDeployMs);
  const update = findCampaign(ctx.db, arn)?.latestUpdate;
  if (!update) return;
  try {
    const deployment = ctx.deployments.prepare(arn, update.solutionVersionArn, update.campaignConfig);
    completeCampaignUpdate(ctx.db, arn, ctx.now());
    ctx.deployments.activate(deployment);
    setCampaignStatus(ctx.db, arn, 'ACTIVE', ctx.now());
  } catch (error) {
    setCampaignUpdateStatus(
      ctx.db,
      arn,
      'CREATE FAILED',
      ctx.now(),
      `Could not load the model: ${error instanceof Error ? error.message : String(error)}`,
    );
    return;
  }
  if (!ctx.shuttingDown()) syncCampaignsToLatest(ctx, solutionOf(update.solutionVersionArn));
}
