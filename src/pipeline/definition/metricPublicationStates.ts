import type { PipelineConfig } from '../../config/pipelineConfig.js';
import type { RetryRule, State, TaskState } from './asl.js';

/** The CloudWatch namespace every pipeline publishes its gate metric in; the IAM grant is limited to it. */
export const METRIC_NAMESPACE = 'PersonalizeRetrain';

export const PUT_METRIC_DATA = 'arn:aws:states:::aws-sdk:cloudwatch:putMetricData';

export const METRIC_PUBLICATION_START = 'HasGateMetrics';

/** Where a publication failure is noted on the run's state (and so in its notification's Detail). */
export const METRIC_PUBLICATION_ERROR = '$.MetricPublication.Error';

const CLOUDWATCH_RETRY: RetryRule = {
  // CloudWatch's own names for a busy or failing service, and a dropped connection.
  ErrorEquals: ['CloudWatch.Throttling', 'CloudWatch.InternalServiceFault', 'CloudWatch.SdkClientException'],
  IntervalSeconds: 2,
  MaxAttempts: 3,
  BackoffRate: 2,
};

/**
 * Publishes the gate metric of the new version and of the served one as CloudWatch custom metrics
 * (namespace `PersonalizeRetrain`, metric name = the GateMetric, dimensions `Pipeline` and
 * `Version` = `New` | `Served`), whatever the gate then decides, so the trend is visible on AWS as the
 * dashboard shows it locally. A Choice first: a path to a metric the service did not compute would be
 * a States.Runtime error, which no Catch sees. A failed publication is caught and noted at
 * `$.MetricPublication.Error`: the data point is lost, the retraining is not.
 */
export function metricPublicationStates(
  config: PipelineConfig,
  pipelineName: string,
  next: string,
): Record<string, State> {
  const metric = config.gate.metric;
  const newPath = `$.NewMetrics.Metrics.${metric}`;
  const servedPath = `$.ServedMetrics.Metrics.${metric}`;
  const datum = (version: 'New' | 'Served', path: string) => ({
    MetricName: metric,
    Dimensions: [
      { Name: 'Pipeline', Value: pipelineName },
      { Name: 'Version', Value: version },
    ],
    'Value.$': path,
    Unit: 'None',
  });
  const publish = (data: readonly object[]): TaskState => ({
    Type: 'Task',
    Resource: PUT_METRIC_DATA,
    Parameters: { Namespace: METRIC_NAMESPACE, MetricData: data },
    ResultPath: null,
    Retry: [CLOUDWATCH_RETRY],
    Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: METRIC_PUBLICATION_ERROR, Next: next }],
    Next: next,
  });
  const present = (path: string) => ({ Variable: path, IsPresent: true });
  return {
    [METRIC_PUBLICATION_START]: {
      Type: 'Choice',
      Comment: 'Publish only the metrics that exist: a missing path cannot be caught.',
      Choices: [
        ...(config.campaignArn
          ? [{ And: [present(newPath), present(servedPath)], Next: 'PublishGateMetrics' }]
          : []),
        { ...present(newPath), Next: 'PublishNewGateMetric' },
      ],
      Default: next,
    },
    ...(config.campaignArn
      ? { PublishGateMetrics: publish([datum('New', newPath), datum('Served', servedPath)]) }
      : {}),
    PublishNewGateMetric: publish([datum('New', newPath)]),
  };
}
