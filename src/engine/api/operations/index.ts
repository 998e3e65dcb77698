import type { OperationTable } from '../operation.js';
import { batchInferenceJobOperations } from './batchInferenceJobs.js';
import { campaignOperations } from './campaigns.js';
import { datasetGroupOperations } from './datasetGroups.js';
import { datasetImportJobOperations } from './datasetImportJobs.js';
import { datasetOperations } from './datasets.js';
import { recipeOperations } from './recipes.js';
import { schemaOperations } from './schemas.js';
import { solutionOperations } from './solutions.js';
import { solutionVersionOperations } from './solutionVersions.js';

/** Every control-plane operation the engine answers, by its wire name. */
export const CONTROL_PLANE_OPERATIONS: OperationTable = {
  ...datasetGroupOperations,
  ...schemaOperations,
  ...datasetOperations,
  ...datasetImportJobOperations,
  ...recipeOperations,
  ...solutionOperations,
  ...solutionVersionOperations,
  ...campaignOperations,
  ...batchInferenceJobOperations,
};
