import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { formatIssue, readParameterLines, type ConfigIssue } from '../../config/parametersFile.js';
import { parsePipelineConfig, type PipelineConfig } from '../../config/pipelineConfig.js';
import { checkPipelineResources, type ResourceCheck } from '../../config/resourceCheck.js';
import { selectPipeline } from '../../config/pipelineSelection.js';
import { nextFireTimes, type Schedule } from '../../config/schedule.js';
import { cadences } from '../../config/trainingModes.js';
import { POLL_LIMITS } from '../../pipeline/definition/pollLimits.js';
import { ExitCodes } from '../exitCodes.js';
import type { CliIo } from '../io.js';
import { withPipelineOptions, type PipelineFlags } from '../pipelineOptions.js';

interface ValidateFlags extends PipelineFlags {
  readonly endpoint?: string;
  readonly region?: string;
}

/** What `validate --json` prints; scripts may rely on these fields. */
export interface ValidationReport {
  readonly file: string;
  readonly pipeline: string;
  readonly valid: boolean;
  readonly issues: readonly ConfigIssue[];
  readonly warnings: readonly string[];
  /** Whether the ARNs were looked up (--endpoint or --region), and where. */
  readonly resourcesChecked: string | null;
  /** What the pipeline will do, line by line; empty when the file is invalid. */
  readonly plan: readonly string[];
}

export function registerValidateCommand(program: Command, io: CliIo): void {
  withPipelineOptions(program.command('validate'))
    .summary('check a parameters file and report every problem')
    .description(
      'Check a parameters file and report every problem at once, each with file:line, the key and how to fix it. ' +
        'With --endpoint (or --region for AWS), also check that the resources exist and fit together. ' +
        'Exit status 2 on any problem, 1 when the resources could not be checked.',
    )
    .option('--endpoint <url>', 'also check the resources on this Personalize-compatible endpoint')
    .option('--region <region>', 'also check the resources on AWS in this region (uses your AWS credentials)')
    .option('--json', 'print the result as JSON')
    .action(async (flags: ValidateFlags) => {
      const { paramsFile, stackName } = selectPipeline(flags);
      const report = await validate(paramsFile, stackName, flags);
      process.exitCode = report.exitCode;
      print(io, flags, report.report);
    });
}

async function validate(
  file: string,
  pipeline: string,
  flags: ValidateFlags,
): Promise<{ report: ValidationReport; exitCode: ExitCodes }> {
  const base = { file, pipeline, warnings: [], resourcesChecked: null, plan: [] };
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const issue: ConfigIssue = {
      file,
      line: 0,
      key: 'PARAMS_FILE',
      message:
        code === 'ENOENT'
          ? 'the parameters file does not exist.'
          : `the parameters file cannot be read (${code}).`,
      fix: 'pass --params FILE or set PARAMS_FILE (see docs/CONFIGURATION.md).',
    };
    return { report: { ...base, valid: false, issues: [issue] }, exitCode: ExitCodes.InvalidInput };
  }
  const parsed = parsePipelineConfig(text, file, { pipelineName: pipeline });
  if (parsed.issues) {
    return { report: { ...base, valid: false, issues: parsed.issues }, exitCode: ExitCodes.InvalidInput };
  }
  const config = parsed.config;
  let check: ResourceCheck = { issues: [], warnings: [], unreachable: undefined };
  let resourcesChecked: string | null = null;
  if (flags.endpoint || flags.region) {
    resourcesChecked = flags.endpoint ?? `AWS ${flags.region}`;
    const lines = new Map(readParameterLines(text, file).lines.map((entry) => [entry.key, entry.line]));
    check = await checkPipelineResources(config, {
      ...(flags.endpoint ? { endpoint: flags.endpoint } : {}),
      ...(flags.region ? { region: flags.region } : {}),
      lineOf: (key) => lines.get(key) ?? 0,
    });
  }
  const issues = check.unreachable ? [check.unreachable] : check.issues;
  const exitCode =
    check.unreachable !== undefined
      ? ExitCodes.Failed
      : issues.length > 0
        ? ExitCodes.InvalidInput
        : ExitCodes.Success;
  return {
    report: {
      ...base,
      valid: issues.length === 0,
      issues,
      warnings: check.warnings,
      resourcesChecked,
      plan: issues.length === 0 ? plan(config) : [],
    },
    exitCode,
  };
}

function print(io: CliIo, flags: ValidateFlags, report: ValidationReport): void {
  if (flags.json) {
    io.out(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  for (const issue of report.issues) io.err(`${formatIssue(issue)}\n`);
  for (const warning of report.warnings) io.err(`warning: ${warning}\n`);
  const count = report.issues.length;
  if (count > 0) {
    io.err(`${report.file}: ${count} problem${count === 1 ? '' : 's'}\n`);
    return;
  }
  const checked = report.resourcesChecked ? `, resources found on ${report.resourcesChecked}` : '';
  io.out(`${report.file} is valid${checked}. Pipeline ${report.pipeline} will:\n`);
  for (const line of report.plan) io.out(`  ${line}\n`);
}

/** What one run of the pipeline does, in the order it does it, and when it runs. */
function plan(config: PipelineConfig): string[] {
  const gate = config.gate;
  const drop =
    gate.tolerance === 0
      ? `${gate.metric} is below the served version's`
      : `${gate.metric} drops by more than ${gate.tolerance} against the served version`;
  const floor = gate.minimum === undefined ? '' : `, and never below ${gate.minimum}`;
  return [
    ...config.imports.map((i) => `import ${i.kind} from ${i.dataLocation} (${config.importMode})`),
    `train a new version of ${config.solutionArn} (${trainingModes(config)})`,
    config.campaignArn
      ? `deploy it to ${config.campaignArn} unless ${drop}${floor}`
      : `not deploy it: no CampaignArn${gate.minimum === undefined ? '' : ` (it fails the gate below ${gate.minimum})`}`,
    ...(config.batchInference
      ? [
          `then score ${config.batchInference.inputPath} with it (${config.batchInference.numResults} results a line) ` +
            `into ${config.batchInference.outputPath}<execution name>/`,
        ]
      : []),
    `notify every outcome${notificationTargets(config)}`,
    `check progress every ${config.pollIntervalSeconds} s, ${giveUp(config.pollIntervalSeconds)}`,
    ...cadences(config).map((cadence) =>
      when(cadence.schedule, cadence.name === 'update' ? 'UPDATE trainings' : 'run'),
    ),
  ];
}

function trainingModes(config: PipelineConfig): string {
  if (!config.updateRate) return config.trainingMode;
  const unscheduled =
    config.trainingMode === 'FULL' ? '' : `; ${config.trainingMode} for runs started without a mode`;
  return `FULL on RetrainingRate, UPDATE on UpdateRate${unscheduled}`;
}

/** How long each wait may last before the run fails: its poll limit times PollInterval. */
function giveUp(pollIntervalSeconds: number): string {
  const hours = (polls: number) => `${((polls * pollIntervalSeconds) / 3600).toFixed(1)} h`;
  return (
    `giving up after ${hours(POLL_LIMITS.importJob)} on an import, ${hours(POLL_LIMITS.solutionVersion)} ` +
    `on training, ${hours(POLL_LIMITS.campaignUpdate)} on the campaign update and ` +
    `${hours(POLL_LIMITS.batchInferenceJob)} on batch inference`
  );
}

function when(schedule: Schedule, what: string): string {
  if (schedule.kind === 'rate') return `${what} on ${schedule.expression}, counted from when serve starts`;
  const next = nextFireTimes(schedule, new Date(), 1)[0];
  return `${what} on ${schedule.expression} (UTC), ${next ? `next at ${next.toISOString()}` : 'which never fires again'}`;
}

function notificationTargets(config: PipelineConfig): string {
  const targets = [
    config.notificationUrl && `POST to ${config.notificationUrl}`,
    config.notificationTopicArn && `SNS ${config.notificationTopicArn}`,
    config.notificationEmail && `email ${config.notificationEmail} (through the stack's topic)`,
  ].filter(Boolean);
  return targets.length > 0 ? `: log line, ${targets.join(', ')}` : ' in the log';
}
