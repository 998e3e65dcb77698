import type { OperationTable } from '../operation.js';
import { datasetGroupOperations } from './datasetGroups.js';
import { datasetImportJobOperations } from './datasetImportJobs.js';
import { datasetOperations } from './datasets.js';
import { schemaOperations } from './schemas.js';

/** Every control-plane operation the engine answers, by its wire name. */
export const CONTROL_PLANE_OPERATIONS: OperationTable = {
  ...datasetGroupOperations,
  ...schemaOperations,
  ...datasetOperations,
  ...datasetImportJobOperations,
};
