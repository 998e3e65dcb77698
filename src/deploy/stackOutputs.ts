import { CloudFormationClient, DescribeStacksCommand, type Output } from '@aws-sdk/client-cloudformation';
import { InvalidInputError, UserFacingError } from '../shared/errors.js';

/**
 * The stack's outputs, by name: what `run --target aws --stack-name` and operators look up. Kept
 * apart from the CDK stack so that looking them up never loads aws-cdk-lib.
 */
export const STACK_OUTPUTS = {
  stateMachineArn: 'StateMachineArn',
  notificationTopicArn: 'NotificationTopicArn',
  scheduleName: 'ScheduleName',
  updateScheduleName: 'UpdateScheduleName',
  logGroupName: 'LogGroupName',
} as const;

export interface StackLookup {
  readonly stackName: string;
  /** Where the stack is: the region of the pipeline's SolutionArn, where `deploy` puts it. */
  readonly region: string;
  /** @default a client for `region` with the default credential chain */
  readonly cloudFormation?: CloudFormationClient;
}

/** Reads the `StateMachineArn` output of a deployed pipeline stack (CloudFormation DescribeStacks). */
export async function deployedStateMachineArn(lookup: StackLookup): Promise<string> {
  const client = lookup.cloudFormation ?? new CloudFormationClient({ region: lookup.region });
  const where = `stack ${lookup.stackName} in ${lookup.region}`;
  let outputs: readonly Output[];
  try {
    const answer = await client.send(new DescribeStacksCommand({ StackName: lookup.stackName }));
    outputs = answer.Stacks?.[0]?.Outputs ?? [];
  } catch (error) {
    // CloudFormation answers a missing stack with ValidationError "Stack with id … does not exist".
    if (error instanceof Error && error.name === 'ValidationError' && /does not exist/.test(error.message))
      throw new InvalidInputError(
        `There is no ${where}: deploy it first (personalize-retrain deploy --stack-name ${lookup.stackName}), ` +
          'or pass the name it was deployed under (--stack-name, $STACK_NAME) or --state-machine-arn.',
      );
    throw new UserFacingError(
      `Could not read ${where}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}. ` +
        'Check your AWS credentials and that they may call cloudformation:DescribeStacks there.',
    );
  } finally {
    if (!lookup.cloudFormation) client.destroy();
  }
  const arn = outputs.find((output) => output.OutputKey === STACK_OUTPUTS.stateMachineArn)?.OutputValue;
  if (!arn) {
    const found = outputs.map((output) => output.OutputKey).filter(Boolean);
    throw new InvalidInputError(
      `The ${where} has no ${STACK_OUTPUTS.stateMachineArn} output (${found.length > 0 ? `it has ${found.join(', ')}` : 'it has no outputs'}): ` +
        'it was not deployed by this version of personalize-retrain. Deploy it again, or pass --state-machine-arn.',
    );
  }
  return arn;
}
