import { Option, type Command } from 'commander';
import { resolve } from 'node:path';
import {
  findCredentialSource,
  MissingCredentialsError,
  processCredentialProbe,
  type CredentialProbe,
} from '../../deploy/awsCredentials.js';
import {
  spawnToolkit,
  toolkitArguments,
  type ApprovalLevel,
  type ToolkitCommand,
  type ToolkitRunner,
} from '../../deploy/toolkit.js';
import { UserFacingError } from '../../shared/errors.js';
import { ExitCodes } from '../exitCodes.js';
import type { CliIo } from '../io.js';
import { loadSelectedPipeline } from '../loadConfig.js';

/** What the AWS commands reach outside the process; tests replace both. */
export interface DeployCommandDeps {
  readonly credentials: CredentialProbe;
  readonly runToolkit: ToolkitRunner;
}

const defaultDeps: DeployCommandDeps = { credentials: processCredentialProbe, runToolkit: spawnToolkit };

interface SelectionFlags {
  params?: string;
  stackName?: string;
}

interface ToolkitFlags extends SelectionFlags {
  output?: string;
  credentialsCheck: boolean;
  requireApproval?: ApprovalLevel;
  force?: boolean;
}

function withSelection(command: Command): Command {
  return command
    .option('--params <file>', 'parameters file (default: $PARAMS_FILE, else parameters.cfg)')
    .option('--stack-name <name>', 'pipeline name (default: $STACK_NAME, else personalize-retraining)');
}

/** synth (in-process, no credentials), then diff, deploy, destroy and bootstrap through the CDK toolkit. */
export function registerDeployCommands(
  program: Command,
  io: CliIo,
  deps: DeployCommandDeps = defaultDeps,
): void {
  withSelection(
    program
      .command('synth')
      .summary('write the CloudFormation template (no AWS credentials needed)')
      .description(
        "Write the pipeline's CloudFormation template to DIR/<stack name>.template.json, checked by cdk-nag. " +
          'Runs locally: no AWS credentials needed.',
      ),
  )
    .option('--output <dir>', 'cloud assembly directory', 'cdk.out')
    .action(async (flags: SelectionFlags & { output: string }) => {
      const { selection, config } = loadSelectedPipeline(flags);
      // aws-cdk-lib and cdk-nag take a second to load: only synth pays for them.
      const { synthesizePipeline } = await import('../../deploy/pipelineSynthesis.js');
      const result = synthesizePipeline({ config, stackName: selection.stackName, outdir: flags.output });
      io.out(
        `${result.templateFile}\n` +
          `stack ${result.stackName} for account ${result.account}, region ${result.region} (from SolutionArn)\n`,
      );
    });

  const toolkitCommand = (name: ToolkitCommand, summary: string, description: string): Command =>
    withSelection(program.command(name).summary(summary).description(description))
      .option('--output <dir>', 'cloud assembly directory (default: cdk.out)')
      .option(
        '--no-credentials-check',
        'start the CDK toolkit even when no AWS credentials are found locally',
      );

  const run = async (name: ToolkitCommand, flags: ToolkitFlags): Promise<void> => {
    const { selection } = loadSelectedPipeline(flags);
    if (flags.credentialsCheck && findCredentialSource(deps.credentials) === undefined)
      throw new MissingCredentialsError(name);
    const args = toolkitArguments({
      command: name,
      stackName: selection.stackName,
      paramsFile: resolve(selection.paramsFile),
      ...(flags.output !== undefined ? { outdir: flags.output } : {}),
      ...(flags.requireApproval !== undefined ? { requireApproval: flags.requireApproval } : {}),
      ...(flags.force ? { force: true } : {}),
    });
    const status = await deps.runToolkit(args, { ...deps.credentials.env, CDK_DISABLE_VERSION_CHECK: '1' });
    if (status !== 0)
      throw new UserFacingError(
        `cdk ${name} ${name === 'bootstrap' ? '' : `${selection.stackName} `}failed (exit status ${status}); its output above says why.`,
        ExitCodes.Failed,
      );
  };

  toolkitCommand(
    'diff',
    'show what deploy would change in AWS',
    'Show what deploying the pipeline would change in its CloudFormation stack.',
  ).action((flags: ToolkitFlags) => run('diff', flags));
  toolkitCommand(
    'deploy',
    'deploy the pipeline to AWS (CDK)',
    "Create or update the pipeline's stack in the account and region of its SolutionArn (needs AWS credentials).",
  )
    .addOption(
      new Option('--require-approval <level>', 'which changes wait for confirmation at the terminal')
        .choices(['never', 'any-change', 'broadening'])
        .default('broadening'),
    )
    .action((flags: ToolkitFlags) => run('deploy', flags));
  toolkitCommand(
    'destroy',
    "remove the pipeline's stack from AWS",
    "Delete the pipeline's stack; the execution log group is kept until its retention ends.",
  )
    .option('--force', 'do not ask for confirmation')
    .action((flags: ToolkitFlags) => run('destroy', flags));
  toolkitCommand(
    'bootstrap',
    'prepare an AWS account and region for deploy (once)',
    "Prepare the pipeline's account and region for the CDK toolkit (once per account and region).",
  ).action((flags: ToolkitFlags) => run('bootstrap', flags));
}
