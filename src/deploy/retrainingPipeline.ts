import { Duration, RemovalPolicy, TimeZone, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { StepFunctionsStartExecution } from 'aws-cdk-lib/aws-scheduler-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { PipelineConfig } from '../config/pipelineConfig.js';
import { DEFAULT_STACK_NAME } from '../config/pipelineSelection.js';
import { cadences, type Cadence } from '../config/trainingModes.js';
import { buildDefinition, type StateMachineDefinition } from '../pipeline/definition/index.js';
import { DeploymentConfigError } from './deploymentErrors.js';
import { stalenessWindow } from './stalenessWindow.js';
import {
  batchJobPattern,
  definitionAccess,
  importJobPatterns,
  personalizeStatements,
  type DefinitionAccess,
} from './personalizeAccess.js';
import { datasourceStatements } from './datasourceAccess.js';

/** The substitution key the deployed definition carries in place of the notification topic's ARN. */
export const TOPIC_SUBSTITUTION = 'NotificationTopicArn';

export interface RetrainingPipelineProps {
  readonly config: PipelineConfig;
  /** Named in notification subjects and summaries; the stack name. @default personalize-retraining */
  readonly pipelineName?: string;
  /** How long execution logs are kept. @default three months */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What happens to the execution log group when the stack is deleted: kept by default, so the
   * history of a removed pipeline stays readable until it expires. @default RemovalPolicy.RETAIN
   */
  readonly logRemovalPolicy?: RemovalPolicy;
}

/**
 * One retraining pipeline on AWS: the builder's exact definition as a Step Functions state machine
 * (logged, traced), started by an EventBridge Scheduler schedule at `RetrainingRate` (UTC) and, with
 * `UpdateRate`, a second one whose executions train UPDATE (the mode is in the execution input), a
 * notification topic (or the configured one) and alarms on failed and timed-out executions. Every
 * physical name is left to CloudFormation, so any number of pipelines share an account and region.
 */
export class RetrainingPipeline extends Construct {
  /** The JSON the state machine runs, with `${NotificationTopicArn}` where the topic's ARN goes. */
  readonly definition: StateMachineDefinition;
  readonly stateMachine: sfn.StateMachine;
  readonly topic: sns.ITopic;
  /** Starts the RetrainingRate runs. */
  readonly schedule: scheduler.Schedule;
  /** Starts the UpdateRate runs (`{"TrainingMode": "UPDATE"}`), when the config has UpdateRate. */
  readonly updateSchedule?: scheduler.Schedule;
  readonly logGroup: logs.LogGroup;
  readonly failedAlarm: cloudwatch.Alarm;
  readonly timedOutAlarm: cloudwatch.Alarm;
  /** In alarm when no execution succeeded within twice the schedule's interval: the pipeline stopped. */
  readonly staleAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: RetrainingPipelineProps) {
    super(scope, id);
    const { config } = props;
    this.topic = this.notificationTopic(config);

    this.definition = buildDefinition(config, {
      notificationTopicArn: `\${${TOPIC_SUBSTITUTION}}`,
      pipelineName: props.pipelineName ?? DEFAULT_STACK_NAME,
    });
    const definitionJson = JSON.stringify(this.definition);
    assertOnlyKnownSubstitutions(definitionJson);
    const access = definitionAccess(this.definition);

    this.logGroup = new logs.LogGroup(this, 'ExecutionLogs', {
      retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });
    const role = new iam.Role(this, 'StateMachineRole', {
      assumedBy: new iam.ServicePrincipal('states.amazonaws.com'),
      description: 'Runs the Personalize retraining pipeline: only the actions its definition calls.',
    });
    for (const statement of personalizeStatements(config, access)) {
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: statement.sid,
          actions: [...statement.actions],
          resources: [...statement.resources],
          ...(statement.conditions ? { conditions: statement.conditions } : {}),
        }),
      );
    }
    if (access.listsDatasources)
      for (const statement of datasourceStatements(config))
        role.addToPrincipalPolicy(
          new iam.PolicyStatement({
            sid: statement.sid,
            actions: [...statement.actions],
            resources: [...statement.resources],
            conditions: statement.conditions,
          }),
        );
    if (access.publishesNotifications) this.topic.grantPublish(role);

    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      definitionBody: sfn.DefinitionBody.fromString(definitionJson),
      definitionSubstitutions: { [TOPIC_SUBSTITUTION]: this.topic.topicArn },
      stateMachineType: sfn.StateMachineType.STANDARD,
      role,
      tracingEnabled: true,
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
      comment: this.definition.Comment ?? 'Personalize retraining pipeline',
    });

    const [retraining, update] = cadences(config).map((cadence) => this.cadenceSchedule(cadence));
    this.schedule = retraining as scheduler.Schedule;
    if (update) this.updateSchedule = update;

    this.failedAlarm = this.executionAlarm('ExecutionsFailed', this.stateMachine.metricFailed(), 'failed');
    this.timedOutAlarm = this.executionAlarm(
      'ExecutionsTimedOut',
      this.stateMachine.metricTimedOut(),
      'timed out',
    );
    this.staleAlarm = this.stalenessAlarm(config);
    this.acknowledgeRequiredWildcards(role, config, access);
  }

  /** One EventBridge Scheduler schedule; its executions' input names the training mode they run. */
  private cadenceSchedule(cadence: Cadence): scheduler.Schedule {
    const expression = cadence.schedule.expression;
    const what = cadence.name === 'update' ? 'UPDATE trainings' : `${cadence.trainingMode} retraining runs`;
    return new scheduler.Schedule(this, cadence.name === 'update' ? 'UpdateSchedule' : 'RetrainingSchedule', {
      schedule: scheduler.ScheduleExpression.expression(expression, TimeZone.ETC_UTC),
      description: `Starts the Personalize pipeline's ${what} ${expression} (UTC).`,
      target: new StepFunctionsStartExecution(this.stateMachine, {
        input: scheduler.ScheduleTargetInput.fromObject({ TrainingMode: cadence.trainingMode }),
        retryAttempts: 3,
      }),
    });
  }

  private stalenessAlarm(config: PipelineConfig): cloudwatch.Alarm {
    const window = stalenessWindow(config.retrainingRate);
    const hours = (window.periodSeconds * window.evaluationPeriods) / 3600;
    const alarm = new cloudwatch.Alarm(this, 'NoRecentSuccess', {
      alarmDescription:
        `No retraining run succeeded in the last ${hours} h (twice the longest gap of ${config.retrainingRate.expression}` +
        `${window.capped ? ', cut to the 7 days CloudWatch can look back' : ''}): the pipeline has stopped; check the schedule and the last executions.`,
      metric: this.stateMachine.metricSucceeded({
        period: Duration.seconds(window.periodSeconds),
        statistic: cloudwatch.Stats.SUM,
      }),
      threshold: 1,
      evaluationPeriods: window.evaluationPeriods,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      // No data is what a stopped pipeline looks like.
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    alarm.addAlarmAction(new SnsAction(this.topic));
    return alarm;
  }

  private notificationTopic(config: PipelineConfig): sns.ITopic {
    const topic = config.notificationTopicArn
      ? sns.Topic.fromTopicArn(this, 'NotificationTopic', config.notificationTopicArn)
      : new sns.Topic(this, 'NotificationTopic', {
          displayName: 'Personalize retraining',
          enforceSSL: true,
        });
    if (config.notificationEmail) topic.addSubscription(new EmailSubscription(config.notificationEmail));
    return topic;
  }

  private executionAlarm(id: string, metric: cloudwatch.Metric, what: string): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, id, {
      alarmDescription: `A retraining run ${what}; its execution history and the logs say why.`,
      metric: metric.with({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new SnsAction(this.topic));
    return alarm;
  }

  /**
   * Acknowledges the wildcards cdk-nag reports on the state machine role, each one by its exact
   * finding and each required by the service it names; any other finding stays an error.
   */
  private acknowledgeRequiredWildcards(
    role: iam.Role,
    config: PipelineConfig,
    access: DefinitionAccess,
  ): void {
    const acknowledge = (resource: string, reason: string) =>
      Validations.of(role).acknowledge({ id: `AwsSolutions-IAM5[Resource::${resource}]`, reason });
    acknowledge(
      '*',
      'Only actions without resource-level permissions, for which IAM accepts nothing but "*": X-Ray ' +
        '(PutTraceSegments, PutTelemetryRecords, GetSampling*), CloudWatch Logs vended delivery (*LogDelivery, ' +
        "ListLogDeliveries, DescribeLogGroups, DescribeResourcePolicies, PutResourcePolicy), Personalize's " +
        "List* actions when the definition calls them, and CloudWatch PutMetricData, limited to the pipeline's " +
        'metric namespace by a cloudwatch:namespace condition.',
    );
    for (const pattern of importJobPatterns(config))
      acknowledge(
        pattern,
        "Dataset import job names derive from the execution name, known only at run time; the pattern is limited to the datasets' own region and account.",
      );
    if (
      access.personalizeActions.some(
        (action) => action.includes('SolutionVersion') || action.endsWith('SolutionMetrics'),
      )
    )
      acknowledge(
        `${config.solutionArn}/*`,
        'Each run creates a solution version; its ARN is the configured solution ARN plus an id the service generates.',
      );
    if (access.personalizeActions.some((action) => action.endsWith('BatchInferenceJob')))
      acknowledge(
        batchJobPattern(config),
        "Batch inference job names derive from the execution name, known only at run time; the pattern is limited to the solution's region and account.",
      );
  }
}

/**
 * Step Functions replaces `${key}` in a definition with its DefinitionSubstitutions; a `${` from the
 * config (a datasource path, say) would be taken for one. Refuse it rather than deploy a different
 * definition from the one tested.
 */
function assertOnlyKnownSubstitutions(json: string): void {
  const stray = [...json.matchAll(/\$\{([^}]*)\}?/g)].filter((match) => match[1] !== TOPIC_SUBSTITUTION);
  if (stray.length > 0)
    throw new DeploymentConfigError(
      `The pipeline definition contains ${stray.map((match) => `'${match[0]}'`).join(', ')}, which Step Functions ` +
        'would read as a definition substitution: remove "${" from the values in the parameters file.',
    );
}
