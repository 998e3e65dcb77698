import {
  DescribeCampaignCommand,
  DescribeDatasetCommand,
  DescribeSolutionCommand,
  PersonalizeClient,
} from '@aws-sdk/client-personalize';
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { formatIssue, type ConfigIssue } from '../../config/parametersFile.js';
import { parsePipelineConfig, type PipelineConfig } from '../../config/pipelineConfig.js';
import { selectPipeline } from '../../config/pipelineSelection.js';
import { nextFireTimes } from '../../config/schedule.js';
import { ExitCodes } from '../exitCodes.js';
import type { CliIo } from '../io.js';

interface ValidateFlags {
  readonly params?: string;
  readonly stackName?: string;
  readonly endpoint?: string;
  readonly region?: string;
  readonly json?: boolean;
}

export function registerValidateCommand(program: Command, io: CliIo): void {
  program
    .command('validate')
    .summary('check a parameters file and report every problem')
    .description(
      'Check a parameters file and report every problem at once, each with file:line, the key and how to fix it. ' +
        'With --endpoint (or --region for AWS), also check that the ARNs exist. Exit status 2 on any problem.',
    )
    .option('--params <file>', 'parameters file (default: $PARAMS_FILE, else parameters.cfg)')
    .option('--stack-name <name>', 'pipeline name (default: $STACK_NAME, else personalize-retraining)')
    .option('--endpoint <url>', 'also check the resources on this Personalize-compatible endpoint')
    .option('--region <region>', 'also check the resources on AWS in this region (uses your AWS credentials)')
    .option('--json', 'print the result as JSON')
    .action(async (flags: ValidateFlags) => {
      const { paramsFile, stackName } = selectPipeline(flags);
      let text: string;
      try {
        text = readFileSync(paramsFile, 'utf8');
      } catch {
        const issue: ConfigIssue = {
          file: paramsFile,
          line: 0,
          key: 'PARAMS_FILE',
          message: 'the parameters file cannot be read.',
          fix: 'pass --params FILE or set PARAMS_FILE (see docs/CONFIGURATION.md).',
        };
        report(io, flags, paramsFile, [issue], [], undefined);
        return;
      }
      const parsed = parsePipelineConfig(text, paramsFile);
      if (parsed.issues) {
        report(io, flags, paramsFile, parsed.issues, [], undefined);
        return;
      }
      const warnings: string[] = [];
      const problems: ConfigIssue[] = [];
      if (flags.endpoint || flags.region) {
        await checkResources(parsed.config, flags, problems, warnings);
      }
      report(
        io,
        flags,
        paramsFile,
        problems,
        warnings,
        problems.length === 0 ? summarize(parsed.config, stackName) : undefined,
      );
    });
}

function report(
  io: CliIo,
  flags: ValidateFlags,
  file: string,
  issues: readonly ConfigIssue[],
  warnings: readonly string[],
  summary: string | undefined,
): void {
  process.exitCode = issues.length > 0 ? ExitCodes.InvalidInput : ExitCodes.Success;
  if (flags.json) {
    io.out(`${JSON.stringify({ file, valid: issues.length === 0, issues, warnings }, null, 2)}\n`);
    return;
  }
  for (const issue of issues) io.err(`${formatIssue(issue)}\n`);
  for (const warning of warnings) io.err(`warning: ${warning}\n`);
  if (issues.length > 0) io.err(`${file}: ${issues.length} problem${issues.length === 1 ? '' : 's'}\n`);
  if (summary) io.out(summary);
}

function summarize(config: PipelineConfig, stackName: string): string {
  const next = nextFireTimes(config.retrainingRate, new Date(), 1)[0];
  const lines = [
    `${config.sourceFile} is valid. Pipeline ${stackName} will:`,
    ...config.imports.map((i) => `  import ${i.kind} from ${i.dataLocation} (${config.importMode})`),
    `  train a new version of ${config.solutionArn} (${config.trainingMode})`,
    config.campaignArn
      ? `  deploy it to ${config.campaignArn} if ${config.gate.metric} drops by at most ${config.gate.tolerance}` +
        (config.gate.minimum === undefined ? '' : ` and stays at or above ${config.gate.minimum}`)
      : '  not deploy it (no CampaignArn)',
    `  check progress every ${config.pollIntervalSeconds} s; run on ${config.retrainingRate.expression} (UTC)` +
      (next ? `, next after now: ${next.toISOString()}` : ''),
  ];
  return `${lines.join('\n')}\n`;
}

/** Looks the configured resources up, as the pipeline will; each missing one is a problem of its key. */
async function checkResources(
  config: PipelineConfig,
  flags: ValidateFlags,
  problems: ConfigIssue[],
  warnings: string[],
): Promise<void> {
  const client = new PersonalizeClient({
    ...(flags.endpoint
      ? {
          endpoint: flags.endpoint,
          region: 'us-east-1',
          credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        }
      : { region: flags.region ?? 'us-east-1' }),
    maxAttempts: 2,
  });
  const missing = (key: string, arn: string, error: unknown) =>
    problems.push({
      file: config.sourceFile,
      line: 0,
      key,
      message: `${arn} could not be found (${error instanceof Error ? error.name : String(error)}).`,
      fix: 'check the ARN, the region and the account the pipeline runs in.',
    });
  try {
    try {
      const { solution } = await client.send(
        new DescribeSolutionCommand({ solutionArn: config.solutionArn }),
      );
      if (solution?.performAutoTraining) {
        warnings.push(
          `${config.solutionArn} has automatic training on: the service and this pipeline would both train (and bill) it. ` +
            'Turn one of them off.',
        );
      }
    } catch (error) {
      missing('SolutionArn', config.solutionArn, error);
    }
    const keys = {
      users: 'UserDatasetArn',
      items: 'ItemDatasetArn',
      interactions: 'UserInteractionDatasetArn',
    };
    for (const item of config.imports) {
      try {
        await client.send(new DescribeDatasetCommand({ datasetArn: item.datasetArn }));
      } catch (error) {
        missing(keys[item.kind], item.datasetArn, error);
      }
    }
    if (config.campaignArn) {
      try {
        await client.send(new DescribeCampaignCommand({ campaignArn: config.campaignArn }));
      } catch (error) {
        missing('CampaignArn', config.campaignArn, error);
      }
    }
  } finally {
    client.destroy();
  }
}
