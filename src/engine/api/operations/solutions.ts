import { z } from 'zod';
import { findRecipe } from '../../train/recipeCatalog.js';
import {
  countSolutions,
  deleteSolution,
  findSolution,
  insertSolution,
  listSolutions,
  type SolutionRecord,
} from '../../store/solutionRecords.js';
import type { EngineDatabase } from '../../store/database.js';
import { buildArn, validateArn, validateName } from '../arn.js';
import {
  InvalidInputException,
  LimitExceededException,
  ResourceAlreadyExistsException,
  ResourceInUseException,
  ResourceNotFoundException,
} from '../errors.js';
import { defineOperation, type OperationTable } from '../operation.js';
import { summarizeVersion } from './solutionVersions.js';
import { listSolutionVersions } from '../../store/solutionVersionRecords.js';
import { PAGE_REQUEST_FIELDS, listPage } from '../pagination.js';
import { SERVICE_QUOTAS } from '../quotas.js';
import { echo } from '../../../shared/echo.js';

const stringMap = z.record(z.string(), z.string());

const solutionConfigSchema = z
  .object({
    eventValueThreshold: z.string().optional(),
    algorithmHyperParameters: stringMap.optional(),
    featureTransformationParameters: stringMap.optional(),
    hpoConfig: z.record(z.string(), z.unknown()).optional(),
    autoMLConfig: z.record(z.string(), z.unknown()).optional(),
    eventsConfig: z.record(z.string(), z.unknown()).optional(),
    optimizationObjective: z.record(z.string(), z.unknown()).optional(),
    trainingDataConfig: z.record(z.string(), z.unknown()).optional(),
    autoTrainingConfig: z.object({ schedulingExpression: z.string().optional() }).optional(),
  })
  .strict();

/** The service's documented form for automatic training: `rate(N days)` with N from 1 to 30. */
const AUTO_TRAINING_RATE = /^rate\(([1-9]|[12]\d|30) days?\)$/;

export const solutionOperations: OperationTable = {
  CreateSolution: defineOperation(
    z.object({
      name: z.string(),
      datasetGroupArn: z.string(),
      recipeArn: z.string().optional(),
      eventType: z.string().max(256).optional(),
      performHPO: z.boolean().optional(),
      performAutoML: z.boolean().optional(),
      performAutoTraining: z.boolean().optional(),
      performIncrementalUpdate: z.boolean().optional(),
      solutionConfig: solutionConfigSchema.optional(),
      tags: z.array(z.object({ tagKey: z.string(), tagValue: z.string() })).optional(),
    }),
    (input, ctx) => {
      const name = validateName(input.name);
      const datasetGroupArn = validateArn(input.datasetGroupArn, 'datasetGroupArn');
      if (input.performAutoML) {
        throw new InvalidInputException(
          'performAutoML is not supported by the engine; choose a recipeArn instead.',
        );
      }
      if (!input.recipeArn)
        throw new InvalidInputException('recipeArn is required: choose one from ListRecipes.');
      const recipe = findRecipe(input.recipeArn);
      if (!recipe) {
        throw new InvalidInputException(
          `Recipe ${echo(input.recipeArn)} is not valid. Use ListRecipes to see the recipes the engine supports.`,
        );
      }
      const schedule = input.solutionConfig?.autoTrainingConfig?.schedulingExpression;
      if (schedule !== undefined && !AUTO_TRAINING_RATE.test(schedule)) {
        throw new InvalidInputException(
          `Invalid schedulingExpression '${echo(schedule)}': use rate(N days) with N from 1 to 30, e.g. rate(7 days).`,
        );
      }
      const group = ctx.db.prepare('SELECT arn FROM dataset_groups WHERE arn = ?').get(datasetGroupArn);
      if (!group) throw new ResourceNotFoundException(`Dataset group ${datasetGroupArn} does not exist.`);
      const arn = buildArn(ctx.scope, 'solution', name);
      if (findSolution(ctx.db, arn))
        throw new ResourceAlreadyExistsException(`Solution ${arn} already exists.`);
      if (countSolutions(ctx.db, datasetGroupArn) >= SERVICE_QUOTAS.solutionsPerDatasetGroup) {
        throw new LimitExceededException(
          `Dataset group ${datasetGroupArn} already has ${SERVICE_QUOTAS.solutionsPerDatasetGroup} solutions, ` +
            "the service's default quota. Delete a solution you no longer need before creating another.",
        );
      }
      const now = ctx.now();
      insertSolution(ctx.db, {
        arn,
        name,
        datasetGroupArn,
        recipeArn: recipe.arn,
        eventType: input.eventType ?? null,
        performHPO: input.performHPO ?? false,
        performAutoML: false,
        // The service trains automatically unless told not to; the engine records the flag (the
        // pipeline's `validate` warns about it) but never trains on its own.
        performAutoTraining: input.performAutoTraining ?? true,
        performIncrementalUpdate: input.performIncrementalUpdate ?? false,
        solutionConfig: input.solutionConfig ?? null,
        status: 'ACTIVE',
        created: now,
        updated: now,
      });
      return { solutionArn: arn };
    },
  ),
  DescribeSolution: defineOperation(z.object({ solutionArn: z.string() }), (input, ctx) => ({
    solution: describeSolution(ctx.db, requireSolution(ctx.db, input.solutionArn)),
  })),
  ListSolutions: defineOperation(
    z.object({
      datasetGroupArn: z.string().optional(),
      ...PAGE_REQUEST_FIELDS,
    }),
    (input, ctx) => {
      return listPage('solutions', listSolutions(ctx.db, input.datasetGroupArn), input, (solution) => ({
        name: solution.name,
        solutionArn: solution.arn,
        status: solution.status,
        recipeArn: solution.recipeArn,
        creationDateTime: solution.created,
        lastUpdatedDateTime: solution.updated,
      }));
    },
  ),
  DeleteSolution: defineOperation(z.object({ solutionArn: z.string() }), (input, ctx) => {
    const solution = requireSolution(ctx.db, input.solutionArn);
    if (solutionIsInUse(ctx.db, solution.arn)) {
      throw new ResourceInUseException(
        `Solution ${solution.arn} has a solution version in training or deployed to a campaign; ` +
          'stop the training or delete the campaign first.',
      );
    }
    deleteSolution(ctx.db, solution.arn);
    return {};
  }),
};

export function requireSolution(db: EngineDatabase, arn: string): SolutionRecord {
  validateArn(arn, 'solutionArn');
  const solution = findSolution(db, arn);
  if (!solution) throw new ResourceNotFoundException(`Solution ${arn} does not exist.`);
  return solution;
}

/** A solution whose versions are training or deployed cannot go, as in the service. */
function solutionIsInUse(db: EngineDatabase, solutionArn: string): boolean {
  const training = db
    .prepare(
      `SELECT 1 FROM solution_versions
       WHERE solution_arn = ? AND status IN ('CREATE PENDING', 'CREATE IN_PROGRESS', 'CREATE STOPPING')`,
    )
    .get(solutionArn);
  const deployed = db
    .prepare(
      `SELECT 1 FROM campaigns c JOIN solution_versions v ON v.arn IN (c.solution_version_arn, c.update_solution_version_arn)
       WHERE v.solution_arn = ?`,
    )
    .get(solutionArn);
  return Boolean(training ?? deployed);
}

function describeSolution(db: EngineDatabase, solution: SolutionRecord): Record<string, unknown> {
  const latest = listSolutionVersions(db, solution.arn)[0];
  return {
    name: solution.name,
    solutionArn: solution.arn,
    performHPO: solution.performHPO,
    performAutoML: solution.performAutoML,
    performAutoTraining: solution.performAutoTraining,
    performIncrementalUpdate: solution.performIncrementalUpdate,
    recipeArn: solution.recipeArn,
    datasetGroupArn: solution.datasetGroupArn,
    ...(solution.eventType ? { eventType: solution.eventType } : {}),
    ...(solution.solutionConfig ? { solutionConfig: solution.solutionConfig } : {}),
    status: solution.status,
    creationDateTime: solution.created,
    lastUpdatedDateTime: solution.updated,
    ...(latest ? { latestSolutionVersion: summarizeVersion(latest) } : {}),
  };
}
