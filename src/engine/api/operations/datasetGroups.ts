import type { OperationTable } from '../operation.js';

export const datasetGroupOperations: OperationTable = {};
