import type { OperationTable } from '../operation.js';

export const datasetOperations: OperationTable = {};
