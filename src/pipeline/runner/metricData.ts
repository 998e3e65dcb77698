import { TaskFailure } from './taskErrors.js';

/** One CloudWatch data point as the definition's `putMetricData` Task sends it (PascalCase). */
export interface MetricDatum {
  readonly metricName: string;
  readonly value: number;
  readonly dimensions: Readonly<Record<string, string>>;
}

/** What a run published (on AWS) or would have published (locally). */
export interface MetricPublication {
  readonly namespace: string;
  readonly data: readonly MetricDatum[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads a `putMetricData` Task's input the way CloudWatch would accept it (a namespace, data points
 * with a name and a finite value), so a definition that AWS would refuse fails here too. Locally there
 * is no CloudWatch: the runner keeps the data points with the run instead of sending them.
 */
export function readMetricPublication(stateName: string, input: unknown): MetricPublication {
  const fail = (what: string) => {
    // What CloudWatch answers to a bad request, so the definition's Catch sees the same error here.
    throw new TaskFailure(
      'CloudWatch.InvalidParameterValueException',
      `State '${stateName}' (cloudwatch:putMetricData): ${what}`,
    );
  };
  if (!isRecord(input) || typeof input['Namespace'] !== 'string' || input['Namespace'] === '')
    return fail('Namespace must be a non-empty string.');
  const data = input['MetricData'];
  if (!Array.isArray(data) || data.length === 0) return fail('MetricData must be a non-empty list.');
  return {
    namespace: input['Namespace'],
    data: data.map((datum, index): MetricDatum => {
      const value = isRecord(datum) ? datum['Value'] : undefined;
      if (
        !isRecord(datum) ||
        typeof datum['MetricName'] !== 'string' ||
        typeof value !== 'number' ||
        !Number.isFinite(value)
      )
        return fail(`MetricData[${index}] needs a MetricName and a numeric Value.`);
      const dimensions = Array.isArray(datum['Dimensions']) ? datum['Dimensions'] : [];
      return {
        metricName: datum['MetricName'],
        value,
        dimensions: Object.fromEntries(
          dimensions
            .filter(isRecord)
            .map((dimension) => [String(dimension['Name']), String(dimension['Value'])]),
        ),
      };
    }),
  };
}
