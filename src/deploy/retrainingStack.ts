import { basename } from 'node:path';
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { PipelineConfig } from '../config/pipelineConfig.js';
import { DeploymentConfigError } from './deploymentErrors.js';
import { pipelineEnvironment } from './pipelineEnvironment.js';
import { RetrainingPipeline, type RetrainingPipelineProps } from './retrainingPipeline.js';
import { STACK_OUTPUTS } from './stackOutputs.js';

export interface RetrainingStackProps extends Omit<StackProps, 'env' | 'stackName'> {
  readonly config: PipelineConfig;
  /** The CloudFormation stack name (`STACK_NAME`); also the construct id and template file name. */
  readonly stackName: string;
  readonly pipeline?: Omit<RetrainingPipelineProps, 'config' | 'pipelineName'>;
}

export { STACK_OUTPUTS } from './stackOutputs.js';

/** One pipeline per stack, in the account and region of its solution. */
export class RetrainingStack extends Stack {
  readonly pipeline: RetrainingPipeline;

  constructor(scope: Construct, props: RetrainingStackProps) {
    const { config, stackName, pipeline, ...stackProps } = props;
    super(scope, checkedStackName(stackName), {
      ...stackProps,
      stackName,
      env: pipelineEnvironment(config),
      // The file's name only: the same stack from `synth` and from the toolkit, and no local paths in AWS.
      description: `Personalize retraining pipeline ${stackName} (${basename(config.sourceFile)}): imports, training, metric gate, campaign update.`,
    });
    this.pipeline = new RetrainingPipeline(this, 'Pipeline', {
      ...pipeline,
      config,
      pipelineName: stackName,
    });
    const outputs: Partial<Record<keyof typeof STACK_OUTPUTS, [string, string]>> = {
      stateMachineArn: [
        this.pipeline.stateMachine.stateMachineArn,
        'The state machine that runs the pipeline.',
      ],
      notificationTopicArn: [this.pipeline.topic.topicArn, 'The topic every run and alarm notifies.'],
      scheduleName: [
        this.pipeline.schedule.scheduleName,
        'The EventBridge Scheduler schedule that starts the RetrainingRate runs.',
      ],
      ...(this.pipeline.updateSchedule
        ? {
            updateScheduleName: [
              this.pipeline.updateSchedule.scheduleName,
              'The EventBridge Scheduler schedule that starts the UpdateRate (UPDATE training) runs.',
            ] as [string, string],
          }
        : {}),
      logGroupName: [this.pipeline.logGroup.logGroupName, 'The execution logs.'],
    };
    for (const [key, [value, description]] of Object.entries(outputs) as [string, [string, string]][]) {
      const name = STACK_OUTPUTS[key as keyof typeof STACK_OUTPUTS];
      new CfnOutput(this, name, { value, description });
    }
  }
}

/** CloudFormation's rule for stack names, checked here so a bad STACK_NAME is one clear line. */
function checkedStackName(stackName: string): string {
  if (/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(stackName)) return stackName;
  throw new DeploymentConfigError(
    `'${stackName}' cannot name a CloudFormation stack: use up to 128 letters, digits and hyphens, starting with a letter (STACK_NAME or --stack-name).`,
  );
}
