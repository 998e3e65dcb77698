import { z } from 'zod';
import { scheduleBatchInference } from '../../batch/batchInferenceRunner.js';
import { explorationOf } from '../../serve/liveDeployments.js';
import { parseS3Location } from '../../data/s3Location.js';
import type { EngineDatabase } from '../../store/database.js';
import {
  findBatchInferenceJob,
  insertBatchInferenceJob,
  listBatchInferenceJobs,
  type BatchInferenceJobRecord,
} from '../../store/batchInferenceJobRecords.js';
import { findSolutionVersion } from '../../store/solutionVersionRecords.js';
import { datasetGroupOfCampaignVersion } from '../../store/datasetGroupContents.js';
import { findFilter, type FilterRecord } from '../../store/filterRecords.js';
import type { EngineContext } from '../../context.js';
import { buildArn, validateArn, validateName } from '../arn.js';
import {
  InvalidInputException,
  ResourceAlreadyExistsException,
  ResourceInUseException,
  ResourceNotFoundException,
} from '../errors.js';
import { defineOperation, type OperationTable } from '../operation.js';
import { PAGE_REQUEST_FIELDS, listPage } from '../pagination.js';
import { ROLE_ARN } from './datasetImportJobs.js';
import { checkCreationTags, storeCreationTags, tagList } from './tags.js';

/** The service's default and largest number of recommendations per input line. */
const DEFAULT_RESULTS = 25;
const MAX_RESULTS = 500;

const s3Path = z.object({ path: z.string().max(256), kmsKeyArn: z.string().optional() });

export const batchInferenceJobOperations: OperationTable = {
  CreateBatchInferenceJob: defineOperation(
    z.object({
      jobName: z.string(),
      solutionVersionArn: z.string(),
      filterArn: z.string().optional(),
      numResults: z.number().int().min(1).max(MAX_RESULTS).optional(),
      jobInput: z.object({ s3DataSource: s3Path }),
      jobOutput: z.object({ s3DataDestination: s3Path }),
      roleArn: z.string().max(256),
      batchInferenceJobConfig: z
        .object({ itemExplorationConfig: z.record(z.string(), z.string()).optional() })
        .optional(),
      batchInferenceJobMode: z.enum(['BATCH_INFERENCE', 'THEME_GENERATION']).optional(),
      themeGenerationConfig: z.unknown().optional(),
      tags: tagList.optional(),
    }),
    (input, ctx) => {
      const name = validateName(input.jobName, 'jobName');
      validateArn(input.solutionVersionArn, 'solutionVersionArn');
      if (input.filterArn !== undefined) validateArn(input.filterArn, 'filterArn');
      if ((input.batchInferenceJobMode ?? 'BATCH_INFERENCE') !== 'BATCH_INFERENCE') {
        throw new InvalidInputException(
          "batchInferenceJobMode THEME_GENERATION needs the service's Content Generator, which the engine does not have; use BATCH_INFERENCE.",
        );
      }
      if (!ROLE_ARN.test(input.roleArn)) {
        throw new InvalidInputException(
          `Invalid roleArn '${input.roleArn}': expected an IAM role ARN such as arn:aws:iam::123456789012:role/PersonalizeBatch.`,
        );
      }
      const inputPath = input.jobInput.s3DataSource.path;
      if (!parseS3Location(inputPath)) {
        throw new InvalidInputException(
          `Invalid jobInput path '${inputPath}': use s3://bucket/key.json for one file or s3://bucket/prefix/ for every JSON file under it.`,
        );
      }
      const outputPath = input.jobOutput.s3DataDestination.path;
      if (!parseS3Location(outputPath)?.isPrefix) {
        throw new InvalidInputException(
          `Invalid jobOutput path '${outputPath}': use an S3 prefix ending in /, such as s3://bucket/recommendations/.`,
        );
      }
      const arn = buildArn(ctx.scope, 'batch-inference-job', name);
      if (findBatchInferenceJob(ctx.db, arn)) {
        throw new ResourceAlreadyExistsException(`Batch inference job ${arn} already exists.`);
      }
      const version = findSolutionVersion(ctx.db, input.solutionVersionArn);
      if (!version) {
        throw new ResourceNotFoundException(`Solution version ${input.solutionVersionArn} does not exist.`);
      }
      if (version.status !== 'ACTIVE') {
        throw new ResourceInUseException(
          `Solution version ${version.arn} is ${version.status}; batch inference needs an ACTIVE version.`,
        );
      }
      const filter = input.filterArn === undefined ? undefined : jobFilter(ctx, input.filterArn, version.arn);
      checkCreationTags(ctx, arn, input.tags);
      const numResults = input.numResults ?? DEFAULT_RESULTS;
      const config = input.batchInferenceJobConfig ?? null;
      const now = ctx.now();
      insertBatchInferenceJob(ctx.db, {
        arn,
        name,
        solutionVersionArn: version.arn,
        filterArn: filter?.arn ?? null,
        numResults,
        inputPath,
        outputPath,
        roleArn: input.roleArn,
        config,
        status: 'CREATE PENDING',
        failureReason: null,
        created: now,
        updated: now,
      });
      storeCreationTags(ctx, arn, input.tags);
      scheduleBatchInference(ctx, {
        arn,
        solutionVersionArn: version.arn,
        request: {
          inputPath,
          outputPath,
          numResults,
          exploration: explorationOf(config),
          ...(filter ? { filter: { filter, databasePath: ctx.db.name } } : {}),
        },
      });
      return { batchInferenceJobArn: arn };
    },
  ),
  DescribeBatchInferenceJob: defineOperation(z.object({ batchInferenceJobArn: z.string() }), (input, ctx) => {
    const job = requireBatchInferenceJob(ctx.db, input.batchInferenceJobArn);
    return {
      batchInferenceJob: {
        jobName: job.name,
        batchInferenceJobArn: job.arn,
        ...(job.filterArn ? { filterArn: job.filterArn } : {}),
        ...(job.failureReason ? { failureReason: job.failureReason } : {}),
        solutionVersionArn: job.solutionVersionArn,
        numResults: job.numResults,
        jobInput: { s3DataSource: { path: job.inputPath } },
        jobOutput: { s3DataDestination: { path: job.outputPath } },
        ...(job.config ? { batchInferenceJobConfig: job.config } : {}),
        roleArn: job.roleArn,
        batchInferenceJobMode: 'BATCH_INFERENCE',
        status: job.status,
        creationDateTime: job.created,
        lastUpdatedDateTime: job.updated,
      },
    };
  }),
  ListBatchInferenceJobs: defineOperation(
    z.object({ solutionVersionArn: z.string().optional(), ...PAGE_REQUEST_FIELDS }),
    (input, ctx) => {
      if (input.solutionVersionArn !== undefined) validateArn(input.solutionVersionArn, 'solutionVersionArn');
      return listPage(
        'batchInferenceJobs',
        listBatchInferenceJobs(ctx.db, input.solutionVersionArn),
        input,
        (job) => ({
          batchInferenceJobArn: job.arn,
          jobName: job.name,
          status: job.status,
          creationDateTime: job.created,
          lastUpdatedDateTime: job.updated,
          ...(job.failureReason ? { failureReason: job.failureReason } : {}),
          solutionVersionArn: job.solutionVersionArn,
          batchInferenceJobMode: 'BATCH_INFERENCE',
        }),
      );
    },
  ),
};

/** An ACTIVE filter of the version's own dataset group, as the service requires of a batch job's filter. */
function jobFilter(ctx: EngineContext, filterArn: string, solutionVersionArn: string): FilterRecord {
  const filter = findFilter(ctx.db, filterArn);
  if (!filter) throw new ResourceNotFoundException(`Filter ${filterArn} does not exist.`);
  if (filter.status !== 'ACTIVE') {
    throw new ResourceInUseException(`Filter ${filterArn} is ${filter.status}; wait until it is ACTIVE.`);
  }
  const group = datasetGroupOfCampaignVersion(ctx.db, solutionVersionArn);
  if (filter.datasetGroupArn !== group) {
    throw new InvalidInputException(
      `Filter ${filterArn} belongs to dataset group ${filter.datasetGroupArn}, not to the solution version's (${group ?? 'none'}).`,
    );
  }
  return filter;
}

function requireBatchInferenceJob(db: EngineDatabase, arn: string): BatchInferenceJobRecord {
  validateArn(arn, 'batchInferenceJobArn');
  const job = findBatchInferenceJob(db, arn);
  if (!job) throw new ResourceNotFoundException(`Batch inference job ${arn} does not exist.`);
  return job;
}
