import type { PipelineConfig } from '../../config/pipelineConfig.js';
import type { ChoiceRule, State } from './asl.js';
import { CATCH_ALL_TO_FAILURE, PERSONALIZE_ERRORS, TRANSIENT_RETRY, personalizeTask } from './taskPolicy.js';

export const REJECTION_PATH = 'SummarizeRejection';
/** Where each gate rule rejects: a Pass state that records which rule and the numbers, then the rejection path. */
export const BELOW_MINIMUM = 'RejectBelowMinimum';
export const REGRESSED = 'RejectRegression';
export const GATE_REJECTIONS: readonly string[] = [BELOW_MINIMUM, REGRESSED];

/** A `States.Format` template holds literal text: its special characters are escaped. */
function formatText(text: string): string {
  return text.replace(/[\\'{}]/g, (char) => `\\${char}`);
}

/**
 * A Pass state that puts `$.Gate` = { Rule, Reason } (the numbers included) on the state and goes
 * on to the rejection path, so the notification and the run's record say why.
 */
function rejectionReason(rule: string, template: string, args: readonly string[]): State {
  return {
    Type: 'Pass',
    Parameters: {
      Rule: rule,
      'Reason.$': `States.Format('${template}', ${args.join(', ')})`,
    },
    ResultPath: '$.Gate',
    Next: REJECTION_PATH,
  };
}

/**
 * The metric gate's comparison grid. ASL has no arithmetic on fractions (States.MathAdd takes
 * integers), so `new >= served - tolerance` cannot be computed at run time. Instead the builder
 * writes one rule per grid point c: "served <= c and new >= c - tolerance". The first point at or
 * above the served value decides, so the gate is never looser than the tolerance and at most one
 * grid step stricter. With tolerance 0 a single path comparison is exact.
 */
export function gridStep(tolerance: number): number {
  return Math.max(tolerance / 4, 0.002);
}

function comparisonRules(
  metricPath: (which: string) => string,
  tolerance: number,
  deploy: string,
): ChoiceRule[] {
  const exact: ChoiceRule = {
    Variable: metricPath('NewMetrics'),
    NumericGreaterThanEqualsPath: metricPath('ServedMetrics'),
    Next: deploy,
  };
  if (tolerance === 0) return [exact];
  const step = gridStep(tolerance);
  const rules: ChoiceRule[] = [exact];
  for (let point = step; point < 1 + step; point += step) {
    const ceiling = Number(point.toFixed(6));
    rules.push({
      And: [
        { Variable: metricPath('ServedMetrics'), NumericLessThanEquals: ceiling },
        {
          Variable: metricPath('NewMetrics'),
          NumericGreaterThanEquals: Number((ceiling - tolerance).toFixed(6)),
        },
      ],
      Next: deploy,
    });
  }
  return rules;
}

/**
 * Reads the new version's offline metrics and, with a campaign, those of the version it serves,
 * then decides: deploy (`next`), or reject. Nothing to compare (no served version, or metrics the
 * service did not compute) lets the version through, as documented in docs/PIPELINE.md.
 */
export function gateStates(
  config: PipelineConfig,
  next: string,
  /** Where the metrics go once read (the metric publication), before the gate decides. */
  beforeDecision = 'MetricGate',
): Record<string, State> {
  const metric = config.gate.metric;
  const metricPath = (which: string) => `$.${which}.Metrics.${metric}`;
  const belowMinimum: ChoiceRule[] =
    config.gate.minimum === undefined
      ? []
      : [
          {
            And: [
              { Variable: metricPath('NewMetrics'), IsPresent: true },
              { Variable: metricPath('NewMetrics'), NumericLessThan: config.gate.minimum },
            ],
            Next: BELOW_MINIMUM,
          },
        ];
  const kept = config.campaignArn ? '; the campaign keeps its version' : '';
  const minimumReason = (): State =>
    rejectionReason(
      'minimum',
      formatText(`${metric} of the new version is `) +
        '{}' +
        formatText(`, below GateMinimum ${config.gate.minimum ?? ''}${kept}.`),
      [metricPath('NewMetrics')],
    );
  const states: Record<string, State> = {
    GetNewMetrics: {
      Type: 'Task',
      Resource: personalizeTask('getSolutionMetrics'),
      Parameters: { 'SolutionVersionArn.$': '$.Training.SolutionVersionArn' },
      ResultPath: '$.NewMetrics',
      Retry: [TRANSIENT_RETRY],
      Catch: [CATCH_ALL_TO_FAILURE],
      Next: config.campaignArn ? 'DescribeServedVersion' : beforeDecision,
    },
  };
  if (!config.campaignArn) {
    states['MetricGate'] = {
      Type: 'Choice',
      Comment: 'No campaign: only the configured minimum applies.',
      Choices: belowMinimum,
      Default: next,
    };
    if (belowMinimum.length === 0) {
      states['MetricGate'] = {
        Type: 'Pass',
        Comment: 'No campaign and no minimum: nothing to gate.',
        Next: next,
      };
    } else states[BELOW_MINIMUM] = minimumReason();
    return states;
  }
  states['DescribeServedVersion'] = {
    Type: 'Task',
    Resource: personalizeTask('describeCampaign'),
    Parameters: { CampaignArn: config.campaignArn },
    ResultSelector: { 'SolutionVersionArn.$': '$.Campaign.SolutionVersionArn' },
    ResultPath: '$.Served',
    Retry: [TRANSIENT_RETRY],
    Catch: [CATCH_ALL_TO_FAILURE],
    Next: 'GetServedMetrics',
  };
  states['GetServedMetrics'] = {
    Type: 'Task',
    Resource: personalizeTask('getSolutionMetrics'),
    Parameters: { 'SolutionVersionArn.$': '$.Served.SolutionVersionArn' },
    ResultPath: '$.ServedMetrics',
    Retry: [TRANSIENT_RETRY],
    Catch: [
      // The served version may be gone or unreadable; then there is nothing to compare against.
      {
        ErrorEquals: [PERSONALIZE_ERRORS.notFound, PERSONALIZE_ERRORS.inUse],
        ResultPath: '$.ServedMetricsError',
        Next: beforeDecision,
      },
      CATCH_ALL_TO_FAILURE,
    ],
    Next: beforeDecision,
  };
  states['MetricGate'] = {
    Type: 'Choice',
    Comment: `Deploy only if ${metric} did not drop by more than ${config.gate.tolerance}.`,
    Choices: [
      ...belowMinimum,
      { Not: { Variable: metricPath('NewMetrics'), IsPresent: true }, Next: next },
      { Not: { Variable: metricPath('ServedMetrics'), IsPresent: true }, Next: next },
      ...comparisonRules(metricPath, config.gate.tolerance, next),
    ],
    Default: REGRESSED,
  };
  if (belowMinimum.length > 0) states[BELOW_MINIMUM] = minimumReason();
  const tolerance = config.gate.tolerance;
  states[REGRESSED] = rejectionReason(
    tolerance > 0 ? 'tolerance' : 'regression',
    formatText(`${metric} of the new version is `) +
      '{}' +
      formatText(
        tolerance > 0
          ? `, more than GateTolerance ${tolerance} below the served version (`
          : ', below the served version (',
      ) +
      '{}' +
      formatText(`)${kept}.`),
    [metricPath('NewMetrics'), metricPath('ServedMetrics')],
  );
  return states;
}
