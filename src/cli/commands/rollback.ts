import { DescribeCampaignCommand, PersonalizeClient } from '@aws-sdk/client-personalize';
import type { Command } from 'commander';
import { buildRollbackDefinition } from '../../pipeline/definition/index.js';
import type { ExecutionStore } from '../../pipeline/executions/index.js';
import { createLocalNotifier, newExecutionName, runPipeline } from '../../pipeline/runner/index.js';
import { UserFacingError } from '../../shared/errors.js';
import { ExitCodes, exitCodeForRun } from '../exitCodes.js';
import type { CliIo } from '../io.js';
import { loadSelectedPipeline } from '../loadConfig.js';
import { openLocalRun } from '../localTarget.js';
import { withPipelineOptions, type PipelineFlags } from '../pipelineOptions.js';
import { describeRun, progressPrinter } from '../runProgress.js';

export const ROLLBACK_PREFIX = 'rollback-';

interface RollbackFlags extends PipelineFlags {
  readonly to?: string;
  readonly endpoint?: string;
  readonly region?: string;
}

export function registerRollbackCommand(program: Command, io: CliIo): void {
  withPipelineOptions(
    program
      .command('rollback')
      .summary('put the campaign back on the previously deployed version')
      .description(
        'Put the campaign back on the solution version it served before the latest successful run (or --to ARN), ' +
          'wait until that version serves, and record it as a run.',
      ),
  )
    .option(
      '--to <solutionVersionArn>',
      'the version to roll back to (default: the one served before the latest run)',
    )
    .option('--endpoint <url>', 'a Personalize-compatible endpoint instead of the embedded engine')
    .option('--region <region>', 'roll back on AWS in this region (uses your AWS credentials)')
    .option('--json', 'print the execution record as JSON')
    .action(async (flags: RollbackFlags) => {
      const { selection, config } = loadSelectedPipeline(flags);
      const campaignArn = config.campaignArn;
      if (!campaignArn) {
        throw new UserFacingError(
          `${config.sourceFile} has no CampaignArn: there is no campaign to roll back.`,
          ExitCodes.InvalidInput,
        );
      }
      const local = await openLocalRun(flags.stateDir, flags.region ? 'aws' : flags.endpoint);
      const personalize = flags.region
        ? new PersonalizeClient({ region: flags.region, maxAttempts: 1 })
        : undefined;
      try {
        const target = flags.to ?? previousVersion(local.store, selection.stackName);
        const client =
          personalize ??
          new PersonalizeClient({
            endpoint: local.target.endpoint,
            region: 'us-east-1',
            credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
          });
        const { campaign } = await client.send(new DescribeCampaignCommand({ campaignArn }));
        if (campaign?.solutionVersionArn === target) {
          io.out(`${campaignArn} already serves ${target}; nothing to roll back.\n`);
          return;
        }
        const progress = progressPrinter(
          flags.json ? { ...io, isTty: false, out: () => undefined } : io,
          `rollback ${selection.stackName}`,
        );
        const outcome = await runPipeline({
          definition: buildRollbackDefinition(
            { ...config, campaignArn },
            { pipelineName: selection.stackName },
          ),
          pipelineName: selection.stackName,
          target: personalize ? { kind: 'endpoint', endpoint: 'aws', personalize } : local.target,
          store: local.store,
          notifier: createLocalNotifier({
            logger: local.logger,
            ...(config.notificationUrl ? { url: config.notificationUrl } : {}),
          }),
          executionName: `${ROLLBACK_PREFIX}${newExecutionName()}`,
          input: { Training: { SolutionVersionArn: target } },
          onEvent: progress.onEvent,
        });
        progress.stop();
        io.out(
          flags.json
            ? `${JSON.stringify({ execution: outcome.execution, rolledBackTo: target }, null, 2)}\n`
            : `${describeRun(outcome.execution, outcome.visits, config.gate.metric)}${
                // A failed rollback left the campaign where it was: do not claim otherwise.
                outcome.execution.status === 'SUCCEEDED' ? `  campaign now serves: ${target}\n` : ''
              }`,
        );
        process.exitCode = exitCodeForRun(outcome.execution.status);
      } finally {
        personalize?.destroy();
        await local.close();
      }
    });
}

/** The version the campaign served before the latest run that deployed a new one. */
function previousVersion(store: ExecutionStore, pipelineName: string): string {
  const deployed = store
    .list({ pipelineName, limit: 1000 })
    .find(
      (run) =>
        run.status === 'SUCCEEDED' &&
        !run.executionName.startsWith(ROLLBACK_PREFIX) &&
        run.previousSolutionVersionArn,
    );
  if (!deployed?.previousSolutionVersionArn) {
    throw new UserFacingError(
      `no earlier deployment of ${pipelineName} is recorded in this state dir; pass --to <solutionVersionArn>.`,
      ExitCodes.InvalidInput,
    );
  }
  return deployed.previousSolutionVersionArn;
}
