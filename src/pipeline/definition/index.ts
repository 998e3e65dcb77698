export { buildDefinition, localTopicArn, type DefinitionOptions } from './buildDefinition.js';
export type { StateMachineDefinition } from './asl.js';
