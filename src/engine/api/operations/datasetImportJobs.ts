import type { OperationTable } from '../operation.js';

export const datasetImportJobOperations: OperationTable = {};
