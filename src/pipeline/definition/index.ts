export { buildDefinition, localTopicArn, type DefinitionOptions } from './buildDefinition.js';
export { buildRollbackDefinition } from './rollbackDefinition.js';
export type { StateMachineDefinition } from './asl.js';
