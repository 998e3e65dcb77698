import { setImmediate as nextTick, setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import type { EngineContext } from '../../context.js';
import {
  LATEST_VERSION_SUFFIX,
  latestActiveVersion,
  rollOutUpdate,
  syncCampaignsToLatest,
} from '../../serve/campaignRollout.js';
import {
  countCampaignsInDatasetGroup,
  deleteCampaign,
  findCampaign,
  insertCampaign,
  listCampaigns,
  setCampaignStatus,
  startCampaignUpdate,
  type CampaignRecord,
  type CampaignUpdateRecord,
} from '../../store/campaignRecords.js';
import { findSolution } from '../../store/solutionRecords.js';
import { dropTags } from '../../store/tagRecords.js';
import { findSolutionVersion } from '../../store/solutionVersionRecords.js';
import { buildArn, validateArn, validateName } from '../arn.js';
import {
  InvalidInputException,
  LimitExceededException,
  ResourceAlreadyExistsException,
  ResourceInUseException,
  ResourceNotFoundException,
} from '../errors.js';
import { defineOperation, type OperationTable } from '../operation.js';
import { PAGE_REQUEST_FIELDS, listPage } from '../pagination.js';
import { SERVICE_QUOTAS } from '../quotas.js';
import { checkCreationTags, storeCreationTags, tagList } from './tags.js';
import { echo } from '../../../shared/echo.js';

const campaignConfigSchema = z
  .object({
    itemExplorationConfig: z.record(z.string(), z.string()).optional(),
    enableMetadataWithRecommendations: z.boolean().optional(),
    syncWithLatestSolutionVersion: z.boolean().optional(),
    rankingInfluence: z.record(z.string(), z.number()).optional(),
  })
  .strict();

const UPDATE_IN_PROGRESS = new Set(['CREATE PENDING', 'CREATE IN_PROGRESS']);

export const campaignOperations: OperationTable = {
  CreateCampaign: defineOperation(
    z.object({
      name: z.string(),
      solutionVersionArn: z.string(),
      minProvisionedTPS: z.number().int().min(1).optional(),
      campaignConfig: campaignConfigSchema.optional(),
      tags: tagList.optional(),
    }),
    (input, ctx) => {
      const name = validateName(input.name);
      const solutionVersionArn = deployedVersion(ctx, input.solutionVersionArn, input.campaignConfig);
      validateExploration(input.campaignConfig);
      const arn = buildArn(ctx.scope, 'campaign', name);
      if (findCampaign(ctx.db, arn))
        throw new ResourceAlreadyExistsException(`Campaign ${arn} already exists.`);
      requireCampaignQuota(ctx, solutionVersionArn);
      const now = ctx.now();
      checkCreationTags(ctx, arn, input.tags);
      insertCampaign(ctx.db, {
        arn,
        name,
        solutionVersionArn,
        minProvisionedTPS: input.minProvisionedTPS ?? 1,
        campaignConfig: input.campaignConfig ?? null,
        status: 'CREATE PENDING',
        failureReason: null,
        created: now,
        updated: now,
      });
      ctx.background(() => deployCampaign(ctx, arn));
      storeCreationTags(ctx, arn, input.tags);
      return { campaignArn: arn };
    },
  ),
  DescribeCampaign: defineOperation(z.object({ campaignArn: z.string() }), (input, ctx) => ({
    campaign: describeCampaign(requireCampaign(ctx, input.campaignArn)),
  })),
  ListCampaigns: defineOperation(
    z.object({
      solutionArn: z.string().optional(),
      ...PAGE_REQUEST_FIELDS,
    }),
    (input, ctx) => {
      return listPage('campaigns', listCampaigns(ctx.db, input.solutionArn), input, (campaign) => ({
        name: campaign.name,
        campaignArn: campaign.arn,
        status: campaign.status,
        creationDateTime: campaign.created,
        lastUpdatedDateTime: campaign.updated,
        ...(campaign.failureReason ? { failureReason: campaign.failureReason } : {}),
      }));
    },
  ),
  UpdateCampaign: defineOperation(
    z.object({
      campaignArn: z.string(),
      solutionVersionArn: z.string().optional(),
      minProvisionedTPS: z.number().int().min(1).optional(),
      campaignConfig: campaignConfigSchema.optional(),
    }),
    (input, ctx) => {
      const campaign = requireCampaign(ctx, input.campaignArn);
      if (campaign.status !== 'ACTIVE' && campaign.status !== 'CREATE FAILED') {
        throw new ResourceInUseException(
          `Campaign ${campaign.arn} is ${campaign.status}; it can be updated once it is ACTIVE or CREATE FAILED.`,
        );
      }
      if (campaign.latestUpdate && UPDATE_IN_PROGRESS.has(campaign.latestUpdate.status)) {
        throw new ResourceInUseException(
          `Campaign ${campaign.arn} has an update in progress (${campaign.latestUpdate.status}); wait for it to finish.`,
        );
      }
      const solutionVersionArn =
        input.solutionVersionArn === undefined
          ? unsyncedVersion(campaign.solutionVersionArn, input.campaignConfig)
          : deployedVersion(
              ctx,
              input.solutionVersionArn,
              input.campaignConfig ?? (campaign.campaignConfig as CampaignConfig | null) ?? undefined,
            );
      validateExploration(input.campaignConfig);
      startCampaignUpdate(
        ctx.db,
        campaign.arn,
        {
          solutionVersionArn,
          minProvisionedTPS: input.minProvisionedTPS ?? campaign.minProvisionedTPS,
          campaignConfig: input.campaignConfig ?? campaign.campaignConfig,
        },
        ctx.now(),
      );
      ctx.background(() => rollOutUpdate(ctx, campaign.arn));
      return { campaignArn: campaign.arn };
    },
  ),
  DeleteCampaign: defineOperation(z.object({ campaignArn: z.string() }), (input, ctx) => {
    const campaign = requireCampaign(ctx, input.campaignArn);
    if (campaign.status === 'CREATE PENDING' || campaign.status === 'CREATE IN_PROGRESS') {
      throw new ResourceInUseException(
        `Campaign ${campaign.arn} is still being created; delete it once it is ACTIVE.`,
      );
    }
    deleteCampaign(ctx.db, campaign.arn);
    dropTags(ctx.db, campaign.arn);
    ctx.deployments.remove(campaign.arn);
    return {};
  }),
};

function requireCampaign(ctx: EngineContext, arn: string): CampaignRecord {
  validateArn(arn, 'campaignArn');
  const campaign = findCampaign(ctx.db, arn);
  if (!campaign) throw new ResourceNotFoundException(`Campaign ${arn} does not exist.`);
  return campaign;
}

function requireActiveVersion(ctx: EngineContext, arn: string): string {
  validateArn(arn, 'solutionVersionArn');
  const version = findSolutionVersion(ctx.db, arn);
  if (!version) throw new ResourceNotFoundException(`Solution version ${arn} does not exist.`);
  if (version.status !== 'ACTIVE') {
    throw new InvalidInputException(
      `Solution version ${arn} is ${version.status}; only an ACTIVE solution version can be deployed to a campaign.`,
    );
  }
  return arn;
}

type CampaignConfig = z.infer<typeof campaignConfigSchema>;

/**
 * The version a create or update deploys: a version ARN, or `solutionArn/$LATEST` for the solution's
 * newest ACTIVE version trained with FULL. `syncWithLatestSolutionVersion` needs the `$LATEST` form,
 * as in the service.
 */
function deployedVersion(ctx: EngineContext, arn: string, config: CampaignConfig | undefined): string {
  if (!arn.endsWith(LATEST_VERSION_SUFFIX)) return requireActiveVersion(ctx, unsyncedVersion(arn, config));
  const solutionArn = arn.slice(0, -LATEST_VERSION_SUFFIX.length);
  validateArn(solutionArn, 'solutionVersionArn');
  if (!findSolution(ctx.db, solutionArn)) {
    throw new ResourceNotFoundException(`Solution ${solutionArn} (of ${arn}) does not exist.`);
  }
  const latest = latestActiveVersion(ctx, solutionArn);
  if (!latest) {
    throw new InvalidInputException(
      `Solution ${solutionArn} has no ACTIVE solution version trained with trainingMode FULL for ${arn} to deploy; train one first.`,
    );
  }
  return latest;
}

/** A version ARN given without the `$LATEST` form, refused when the config asks to follow the latest. */
function unsyncedVersion(arn: string, config: CampaignConfig | undefined): string {
  if (config?.syncWithLatestSolutionVersion === true) {
    throw new InvalidInputException(
      `campaignConfig.syncWithLatestSolutionVersion is true: give solutionVersionArn as <solution ARN>${LATEST_VERSION_SUFFIX}, not ${arn}.`,
    );
  }
  return arn;
}

/** The service allows 5 campaigns per dataset group by default. */
function requireCampaignQuota(ctx: EngineContext, solutionVersionArn: string): void {
  const version = findSolutionVersion(ctx.db, solutionVersionArn);
  const datasetGroupArn = version && findSolution(ctx.db, version.solutionArn)?.datasetGroupArn;
  if (!datasetGroupArn) return;
  const limit = SERVICE_QUOTAS.campaignsPerDatasetGroup;
  if (countCampaignsInDatasetGroup(ctx.db, datasetGroupArn) >= limit) {
    throw new LimitExceededException(
      `Dataset group ${datasetGroupArn} already has ${limit} campaigns, the service's default quota. ` +
        'Update an existing campaign to the new solution version, or delete one you no longer need.',
    );
  }
}

function validateExploration(config: CampaignConfig | undefined): void {
  const exploration = config?.itemExplorationConfig ?? {};
  const weight = exploration['explorationWeight'];
  if (weight !== undefined && !(Number(weight) >= 0 && Number(weight) <= 1)) {
    throw new InvalidInputException(
      `itemExplorationConfig.explorationWeight is '${echo(weight)}': use a number from 0 to 1.`,
    );
  }
  const cutOff = exploration['explorationItemAgeCutOff'];
  if (cutOff !== undefined && !(Number(cutOff) > 0)) {
    throw new InvalidInputException(
      `itemExplorationConfig.explorationItemAgeCutOff is '${echo(cutOff)}': use a positive number of days.`,
    );
  }
}

/** A new campaign loads its model, then starts serving; the service shows the same statuses. */
async function deployCampaign(ctx: EngineContext, arn: string): Promise<void> {
  await nextTick();
  setCampaignStatus(ctx.db, arn, 'CREATE IN_PROGRESS', ctx.now());
  await sleep(ctx.timings.campaignDeployMs);
  const campaign = findCampaign(ctx.db, arn);
  if (!campaign) return;
  try {
    const deployment = ctx.deployments.prepare(arn, campaign.solutionVersionArn, campaign.campaignConfig);
    ctx.db.transaction(() => setCampaignStatus(ctx.db, arn, 'ACTIVE', ctx.now())).immediate();
    ctx.deployments.activate(deployment);
    // A version that became ACTIVE while the campaign was being created is deployed next.
    syncCampaignsToLatest(ctx, findSolutionVersion(ctx.db, campaign.solutionVersionArn)?.solutionArn ?? '');
  } catch (error) {
    setCampaignStatus(
      ctx.db,
      arn,
      'CREATE FAILED',
      ctx.now(),
      `Could not load the model: ${errorMessage(error)}`,
    );
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function describeUpdate(update: CampaignUpdateRecord): Record<string, unknown> {
  return {
    solutionVersionArn: update.solutionVersionArn,
    minProvisionedTPS: update.minProvisionedTPS,
    ...(update.campaignConfig ? { campaignConfig: update.campaignConfig } : {}),
    status: update.status,
    ...(update.failureReason ? { failureReason: update.failureReason } : {}),
    creationDateTime: update.created,
    lastUpdatedDateTime: update.updated,
  };
}

function describeCampaign(campaign: CampaignRecord): Record<string, unknown> {
  return {
    name: campaign.name,
    campaignArn: campaign.arn,
    solutionVersionArn: campaign.solutionVersionArn,
    minProvisionedTPS: campaign.minProvisionedTPS,
    ...(campaign.campaignConfig ? { campaignConfig: campaign.campaignConfig } : {}),
    status: campaign.status,
    ...(campaign.failureReason ? { failureReason: campaign.failureReason } : {}),
    creationDateTime: campaign.created,
    lastUpdatedDateTime: campaign.updated,
    ...(campaign.latestUpdate ? { latestCampaignUpdate: describeUpdate(campaign.latestUpdate) } : {}),
  };
}
