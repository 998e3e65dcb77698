import { z } from 'zod';
import type { EngineContext } from '../../context.js';
import {
  countSolutionVersionsInProgress,
  findSolutionVersion,
  findSolutionVersionByName,
  insertSolutionVersion,
  listSolutionVersions,
  transitionSolutionVersion,
  type SolutionVersionRecord,
} from '../../store/solutionVersionRecords.js';
import { findRecipe } from '../../train/recipeCatalog.js';
import { newSolutionVersionArn, runTraining, trainingTables } from '../../train/trainingJobs.js';
import { validateArn, validateName } from '../arn.js';
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
import { requireSolution } from './solutions.js';
import { summarizeVersion } from './versionSummary.js';

const IN_PROGRESS = new Set(['CREATE PENDING', 'CREATE IN_PROGRESS', 'CREATE STOPPING']);

export const solutionVersionOperations: OperationTable = {
  CreateSolutionVersion: defineOperation(
    z.object({
      solutionArn: z.string(),
      trainingMode: z.enum(['FULL', 'UPDATE', 'AUTOTRAIN']).optional(),
      name: z.string().optional(),
      tags: tagList.optional(),
    }),
    (input, ctx) => {
      const solution = requireSolution(ctx.db, input.solutionArn);
      const trainingMode = input.trainingMode ?? 'FULL';
      if (trainingMode === 'AUTOTRAIN') {
        throw new InvalidInputException(
          'trainingMode AUTOTRAIN is reserved for the service; use FULL or UPDATE.',
        );
      }
      const name = input.name === undefined ? null : validateName(input.name);
      if (name !== null && findSolutionVersionByName(ctx.db, solution.arn, name)) {
        throw new ResourceAlreadyExistsException(
          `Solution ${solution.arn} already has a version named ${name}.`,
        );
      }
      const versions = listSolutionVersions(ctx.db, solution.arn);
      const running = versions.find((version) => IN_PROGRESS.has(version.status));
      if (running) {
        throw new ResourceInUseException(
          `Solution ${solution.arn} is already training ${running.arn} (${running.status}); wait for it or stop it.`,
        );
      }
      if (countSolutionVersionsInProgress(ctx.db) >= SERVICE_QUOTAS.solutionVersionsInProgress) {
        throw new LimitExceededException(
          `${SERVICE_QUOTAS.solutionVersionsInProgress} solution versions are already training, the service's ` +
            'default quota per account. Wait for one to finish or stop one before starting another.',
        );
      }
      const previous = versions.find((version) => version.status === 'ACTIVE');
      if (trainingMode === 'UPDATE') {
        if (!findRecipe(solution.recipeArn)?.supportsUpdate) {
          throw new InvalidInputException(
            `trainingMode UPDATE is only for user-personalization recipes; ${solution.recipeArn} needs FULL.`,
          );
        }
        if (!versions.some((version) => version.status === 'ACTIVE' && version.trainingMode === 'FULL')) {
          throw new InvalidInputException(
            `trainingMode UPDATE needs an ACTIVE solution version trained with FULL; train one with FULL first.`,
          );
        }
      }
      if (!trainingTables(ctx, solution.datasetGroupArn).interactions) {
        throw new InvalidInputException(
          `Dataset group ${solution.datasetGroupArn} has no interactions data; import an Interactions dataset first.`,
        );
      }
      const arn = newSolutionVersionArn(solution.arn);
      const now = ctx.now();
      checkCreationTags(ctx, arn, input.tags);
      insertSolutionVersion(ctx.db, {
        arn,
        name,
        solutionArn: solution.arn,
        status: 'CREATE PENDING',
        trainingMode,
        trainingType: 'MANUAL',
        failureReason: null,
        trainingHours: null,
        metrics: null,
        created: now,
        updated: now,
      });
      ctx.background(() =>
        runTraining(ctx, solution, arn, trainingMode, trainingMode === 'UPDATE' ? previous?.arn : undefined),
      );
      storeCreationTags(ctx, arn, input.tags);
      return { solutionVersionArn: arn };
    },
  ),
  DescribeSolutionVersion: defineOperation(z.object({ solutionVersionArn: z.string() }), (input, ctx) => {
    const version = requireVersion(ctx, input.solutionVersionArn);
    const solution = requireSolution(ctx.db, version.solutionArn);
    return {
      solutionVersion: {
        ...(version.name ? { name: version.name } : {}),
        solutionVersionArn: version.arn,
        solutionArn: solution.arn,
        performHPO: solution.performHPO,
        performAutoML: solution.performAutoML,
        performIncrementalUpdate: solution.performIncrementalUpdate,
        recipeArn: solution.recipeArn,
        ...(solution.eventType ? { eventType: solution.eventType } : {}),
        datasetGroupArn: solution.datasetGroupArn,
        ...(solution.solutionConfig ? { solutionConfig: solution.solutionConfig } : {}),
        ...(version.trainingHours !== null ? { trainingHours: version.trainingHours } : {}),
        trainingMode: version.trainingMode,
        trainingType: version.trainingType,
        status: version.status,
        ...(version.failureReason ? { failureReason: version.failureReason } : {}),
        creationDateTime: version.created,
        lastUpdatedDateTime: version.updated,
      },
    };
  }),
  ListSolutionVersions: defineOperation(
    z.object({
      solutionArn: z.string().optional(),
      ...PAGE_REQUEST_FIELDS,
    }),
    (input, ctx) => {
      if (input.solutionArn !== undefined) requireSolution(ctx.db, input.solutionArn);
      return listPage(
        'solutionVersions',
        listSolutionVersions(ctx.db, input.solutionArn),
        input,
        summarizeVersion,
      );
    },
  ),
  StopSolutionVersionCreation: defineOperation(z.object({ solutionVersionArn: z.string() }), (input, ctx) => {
    const version = requireVersion(ctx, input.solutionVersionArn);
    // As in the service: CREATE PENDING → CREATE STOPPED, CREATE IN_PROGRESS → CREATE STOPPING → CREATE STOPPED.
    const now = ctx.now();
    const stopped =
      transitionSolutionVersion(ctx.db, version.arn, ['CREATE PENDING'], 'CREATE STOPPED', now) ||
      transitionSolutionVersion(ctx.db, version.arn, ['CREATE IN_PROGRESS'], 'CREATE STOPPING', now);
    if (!stopped) {
      throw new ResourceInUseException(
        `Solution version ${version.arn} is ${version.status}; only a version in CREATE PENDING or CREATE IN_PROGRESS can be stopped.`,
      );
    }
    ctx.trainingRuns.get(version.arn)?.stop();
    return {};
  }),
  GetSolutionMetrics: defineOperation(z.object({ solutionVersionArn: z.string() }), (input, ctx) => {
    const version = requireVersion(ctx, input.solutionVersionArn);
    if (version.status !== 'ACTIVE') {
      throw new ResourceInUseException(
        `Solution version ${version.arn} is ${version.status}; metrics exist once it is ACTIVE.`,
      );
    }
    return { solutionVersionArn: version.arn, metrics: version.metrics ?? {} };
  }),
};

function requireVersion(ctx: EngineContext, arn: string): SolutionVersionRecord {
  validateArn(arn, 'solutionVersionArn');
  const version = findSolutionVersion(ctx.db, arn);
  if (!version) throw new ResourceNotFoundException(`Solution version ${arn} does not exist.`);
  return version;
}
