import type { OperationTable } from '../operation.js';

export const schemaOperations: OperationTable = {};
