import { PUT_METRIC_DATA } from '../definition/metricPublicationStates.js';
import { S3_LIST_OBJECTS } from '../definition/unchangedDataStates.js';
import { findPersonalizeOperation, type PersonalizeOperation } from './personalizeOperations.js';

/** What a Task's `Resource` asks for, among the integrations the local runner reproduces. */
export type TaskResource =
  | { readonly kind: 'personalize'; readonly operation: PersonalizeOperation }
  | { readonly kind: 'notification' }
  /** CloudWatch `putMetricData`: kept with the run locally, never sent (see `metricData.ts`). */
  | { readonly kind: 'metric-data' }
  /** Datasource metadata for SkipUnchangedData, answered for the data root or through an S3 client. */
  | { readonly kind: 's3-list-objects' };

const SDK_PREFIX = 'arn:aws:states:::aws-sdk:';
const NOTIFICATION_RESOURCES = new Set([
  'arn:aws:states:::sns:publish',
  'arn:aws:states:::aws-sdk:sns:publish',
]);

/** Resolves a Task resource, or returns a message saying why the local runner cannot run it. */
export function resolveTaskResource(resource: string): TaskResource | string {
  if (NOTIFICATION_RESOURCES.has(resource)) return { kind: 'notification' };
  if (resource === PUT_METRIC_DATA) return { kind: 'metric-data' };
  if (resource === S3_LIST_OBJECTS) return { kind: 's3-list-objects' };
  if (resource.startsWith(SDK_PREFIX)) {
    const [service, action, ...rest] = resource.slice(SDK_PREFIX.length).split(':');
    if (service === 'personalize' && action && rest.length === 0) {
      if (action.includes('.'))
        return `${resource}: service integration patterns (${action.slice(action.indexOf('.'))}) are not supported; Personalize actions are request-response.`;
      const operation = findPersonalizeOperation(action);
      return operation
        ? { kind: 'personalize', operation }
        : `${resource}: '${action}' is not a Personalize API action known to @aws-sdk/client-personalize (write it in camelCase, e.g. createDatasetImportJob).`;
    }
  }
  return (
    `${resource}: the local runner supports only arn:aws:states:::aws-sdk:personalize:<action>, ` +
    `arn:aws:states:::sns:publish, ${S3_LIST_OBJECTS} and ${PUT_METRIC_DATA}; use --target aws to run other integrations on AWS Step Functions.`
  );
}
