import { readFileSync } from 'node:fs';
import {
  DEFAULT_GATE_METRIC,
  PERSONALIZE_METRICS,
  type PersonalizeMetric,
} from '../shared/personalizeMetrics.js';
import {
  closestKey,
  formatIssue,
  readParameterLines,
  type ConfigIssue,
  type ParameterLine,
} from './parametersFile.js';
import { DEFAULT_STACK_NAME } from './pipelineSelection.js';
import { parseSchedule, ScheduleError, type Schedule } from './schedule.js';
import { TRAINING_MODES, type TrainingMode } from './trainingModes.js';

/** Personalize's offline metrics (GetSolutionMetrics), any of which can gate a deployment. */
export const GATE_METRICS = PERSONALIZE_METRICS;
export type GateMetric = PersonalizeMetric;

export type DatasetKind = 'users' | 'items' | 'interactions';

/** One dataset the pipeline re-imports, from one datasource path. */
export interface DatasetImport {
  readonly kind: DatasetKind;
  readonly datasetArn: string;
  readonly dataLocation: string;
}

/** The metric gate: a new version deploys only if it does not score worse than this allows. */
export interface MetricGate {
  readonly metric: GateMetric;
  /** Largest allowed drop of the metric against the version the campaign serves (absolute). */
  readonly tolerance: number;
  /** Below this the new version never deploys, whatever the old one scored. */
  readonly minimum?: number;
}

/** Recommendations for a list of users (or items) written to S3 by each version that passes the gate. */
export interface BatchInference {
  /** `s3://` JSON-lines file or prefix, in the service's input format for the recipe. */
  readonly inputPath: string;
  /** `s3://` prefix ending in `/`; each run writes under `<outputPath><execution name>/`. */
  readonly outputPath: string;
  /** Recommendations per input line. @default 25 */
  readonly numResults: number;
  readonly filterArn?: string;
  /** The role Personalize assumes to read the input and write the output. @default ImportRoleArn */
  readonly roleArn: string;
}

/** A parsed, validated parameters file with every default applied. */
export interface PipelineConfig {
  /** The parameters file it was read from, as given (for messages that point at it). */
  readonly sourceFile: string;
  /**
   * The pipeline's name: the CloudFormation stack name on AWS, the key of its runs locally
   * (`STACK_NAME`, `--stack-name`). @default personalize-retraining
   */
  readonly pipelineName: string;
  readonly importRoleArn: string;
  readonly solutionArn: string;
  /** In the order users, items, interactions; only complete pairs. */
  readonly imports: readonly DatasetImport[];
  readonly campaignArn?: string;
  readonly retrainingRate: Schedule;
  /**
   * When set, cheap `UPDATE` trainings run on this schedule between the FULL retrains of
   * `retrainingRate` (user-personalization solutions only; see `trainingModes.ts`).
   */
  readonly updateRate?: Schedule;
  /** Seconds between status checks while imports, training and campaign updates run. */
  readonly pollIntervalSeconds: number;
  /** The mode of runs that do not ask for one (RetrainingRate's and `run`'s). @default FULL */
  readonly trainingMode: TrainingMode;
  readonly importMode: 'FULL' | 'INCREMENTAL';
  readonly gate: MetricGate;
  readonly notificationUrl?: string;
  readonly notificationTopicArn?: string;
  readonly notificationEmail?: string;
  readonly batchInference?: BatchInference;
  /**
   * Stand down before importing when no datasource's S3 object metadata changed since the data the
   * newest solution version was trained on (see unchangedDataStates.ts). @default false
   */
  readonly skipUnchangedData: boolean;
}

export const DEFAULT_RETRAINING_RATE = 'rate(7 days)';
export const DEFAULT_POLL_INTERVAL_SECONDS = 60;
export const DEFAULT_BATCH_RESULTS = 25;

/** A parameters file with problems; `issues` has every one of them. */
export class ConfigError extends Error {
  constructor(readonly issues: readonly ConfigIssue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.name = new.target.name;
  }
}

const PARTITION = 'aws[a-z-]*';
const REGION = '[a-z]{2}(-[a-z]+)+-\\d';
const ACCOUNT = '\\d{12}';
const NAME = '[a-zA-Z0-9][a-zA-Z0-9_-]{0,62}';

function personalizeArn(kind: string, path: string): RegExp {
  return new RegExp(`^arn:${PARTITION}:personalize:${REGION}:${ACCOUNT}:${kind}/${path}$`);
}

/** The parameters-file keys of each dataset kind, for messages about a configured dataset. */
export const DATASET_KEYS: Readonly<
  Record<DatasetKind, { readonly arnKey: string; readonly pathKey: string }>
> = {
  users: { arnKey: 'UserDatasetArn', pathKey: 'S3UserDatasourcePath' },
  items: { arnKey: 'ItemDatasetArn', pathKey: 'S3ItemDatasourcePath' },
  interactions: { arnKey: 'UserInteractionDatasetArn', pathKey: 'S3UserInteractionDatasourcePath' },
};

const DATASET_PAIRS: readonly { kind: DatasetKind; arnKey: string; pathKey: string; type: string }[] = [
  { kind: 'users', ...DATASET_KEYS.users, type: 'USERS' },
  { kind: 'items', ...DATASET_KEYS.items, type: 'ITEMS' },
  { kind: 'interactions', ...DATASET_KEYS.interactions, type: 'INTERACTIONS' },
];

interface KeyRule {
  /** Returns what is wrong and how to fix it, or undefined when the value is fine. */
  readonly check: (value: string) => { message: string; fix: string } | undefined;
}

function pattern(regex: RegExp, what: string, example: string): KeyRule {
  return {
    check: (value) =>
      regex.test(value)
        ? undefined
        : { message: `'${value}' is not ${what}.`, fix: `use a value like ${example}.` },
  };
}

function oneOf(values: readonly string[]): KeyRule {
  return {
    check: (value) =>
      values.includes(value)
        ? undefined
        : { message: `'${value}' is not allowed.`, fix: `use one of ${values.join(', ')}.` },
  };
}

function numberIn(min: number, max: number, integer: boolean, unit = ''): KeyRule {
  return {
    check: (value) => {
      const number = Number(value);
      const ok = value !== '' && Number.isFinite(number) && (!integer || Number.isInteger(number));
      if (ok && number >= min && number <= max) return undefined;
      return {
        message: `'${value}' is not ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}${unit}.`,
        fix: `write ${integer ? 'a whole number' : 'a number'} between ${min} and ${max}${unit}.`,
      };
    },
  };
}

/** `RetrainingRate` and `UpdateRate` take the same EventBridge expressions. */
function scheduleRule(key: string, example: string): KeyRule {
  return {
    check: (value) => {
      try {
        parseSchedule(value);
        return undefined;
      } catch (error) {
        if (!(error instanceof ScheduleError)) throw error;
        return { message: error.message, fix: `e.g. ${key}=${example}.` };
      }
    },
  };
}

const S3_PATH = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/\S*$/;

const ROLE_ARN = new RegExp(`^arn:${PARTITION}:iam::${ACCOUNT}:role/[\\w+=,.@/-]{1,512}$`);

const KEY_RULES: Readonly<Record<string, KeyRule>> = {
  ImportRoleArn: pattern(ROLE_ARN, 'an IAM role ARN', 'arn:aws:iam::123456789012:role/PersonalizeS3Import'),
  SolutionArn: pattern(
    personalizeArn('solution', NAME),
    'a Personalize solution ARN',
    'arn:aws:personalize:eu-west-1:123456789012:solution/my-solution',
  ),
  CampaignArn: pattern(
    personalizeArn('campaign', NAME),
    'a Personalize campaign ARN',
    'arn:aws:personalize:eu-west-1:123456789012:campaign/my-campaign',
  ),
  ...Object.fromEntries(
    DATASET_PAIRS.flatMap((pair) => [
      [
        pair.arnKey,
        pattern(
          personalizeArn('dataset', `${NAME}/${pair.type}`),
          `the ARN of a ${pair.type} dataset`,
          `arn:aws:personalize:eu-west-1:123456789012:dataset/my-group/${pair.type}`,
        ),
      ],
      [
        pair.pathKey,
        pattern(
          S3_PATH,
          'an S3 path',
          `s3://my-bucket/exports/${pair.kind}.csv (or a folder: s3://my-bucket/${pair.kind}/)`,
        ),
      ],
    ]),
  ),
  RetrainingRate: scheduleRule('RetrainingRate', DEFAULT_RETRAINING_RATE),
  UpdateRate: scheduleRule('UpdateRate', 'rate(1 day)'),
  PollInterval: numberIn(1, 3600, true, ' seconds'),
  TrainingMode: oneOf(TRAINING_MODES),
  ImportMode: oneOf(['FULL', 'INCREMENTAL']),
  GateMetric: oneOf(GATE_METRICS),
  GateTolerance: numberIn(0, 1, false),
  GateMinimum: numberIn(0, 1, false),
  NotificationUrl: pattern(
    /^https?:\/\/[^\s/]+(\/\S*)?$/,
    'an http(s) URL',
    'http://127.0.0.1:9000/hooks/retraining',
  ),
  NotificationTopicArn: pattern(
    new RegExp(`^arn:${PARTITION}:sns:${REGION}:${ACCOUNT}:[\\w-]{1,256}$`),
    'an SNS topic ARN',
    'arn:aws:sns:eu-west-1:123456789012:retraining',
  ),
  NotificationEmail: pattern(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'an email address', 'ml-team@example.com'),
  BatchInferenceInputPath: pattern(
    S3_PATH,
    'an S3 path',
    's3://my-bucket/batch/users.json (JSON lines; or a folder: s3://my-bucket/batch/input/)',
  ),
  BatchInferenceOutputPath: pattern(
    // No quotes, braces or backslashes: the definition writes the prefix into a States.Format template.
    /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/([^\s'{}\\]*\/)?$/,
    'an S3 prefix ending in /',
    's3://my-bucket/batch/output/',
  ),
  BatchInferenceNumResults: numberIn(1, 500, true),
  SkipUnchangedData: oneOf(['true', 'false']),
  BatchInferenceFilterArn: pattern(
    personalizeArn('filter', NAME),
    'a Personalize filter ARN',
    'arn:aws:personalize:eu-west-1:123456789012:filter/in-stock',
  ),
  BatchInferenceRoleArn: pattern(
    ROLE_ARN,
    'an IAM role ARN',
    'arn:aws:iam::123456789012:role/PersonalizeBatch',
  ),
};

/** The batch keys that mean nothing without an input and an output path. */
const BATCH_SETTINGS = [
  'BatchInferenceNumResults',
  'BatchInferenceFilterArn',
  'BatchInferenceRoleArn',
] as const;

export interface ParseOptions {
  /** The name the pipeline runs under (see `selectPipeline`). @default personalize-retraining */
  readonly pipelineName?: string;
}

export const KNOWN_KEYS: readonly string[] = Object.keys(KEY_RULES);

/**
 * Parses and validates a parameters file. Every problem is reported at once, each with its file,
 * line and key; an empty value counts as not set, as in the reference sample.
 */
export function parsePipelineConfig(
  text: string,
  file: string,
  options: ParseOptions = {},
): { config: PipelineConfig; issues?: undefined } | { config?: undefined; issues: ConfigIssue[] } {
  const { lines, issues } = readParameterLines(text, file);
  const values = new Map<string, ParameterLine>();
  for (const entry of lines) {
    const rule = KEY_RULES[entry.key];
    if (!rule) {
      const suggestion = closestKey(entry.key, KNOWN_KEYS);
      issues.push({
        file,
        line: entry.line,
        key: entry.key,
        message: 'is not a known setting.',
        fix: suggestion ? `did you mean ${suggestion}?` : `use one of ${KNOWN_KEYS.join(', ')}.`,
      });
      continue;
    }
    if (entry.value === '') continue;
    const problem = rule.check(entry.value);
    if (problem)
      issues.push({
        file,
        line: entry.line,
        key: entry.key,
        ...problem,
        // Shell habit: single quotes stay part of the value here, and then nothing matches.
        ...(/^'.*'$/.test(entry.value)
          ? {
              fix: `${problem.fix} Single quotes are kept as part of the value: remove them (or use double quotes).`,
            }
          : {}),
      });
    else values.set(entry.key, entry);
  }
  const invalid = new Set(issues.map((issue) => issue.key));
  const value = (key: string) => values.get(key)?.value;
  const missing = (key: string, fix: string) => {
    if (!invalid.has(key)) issues.push({ file, line: 0, key, message: 'is required but not set.', fix });
  };
  if (!value('ImportRoleArn'))
    missing('ImportRoleArn', 'add ImportRoleArn=<the role Personalize assumes to read S3>.');
  if (!value('SolutionArn')) missing('SolutionArn', 'add SolutionArn=<the solution to retrain>.');

  const imports: DatasetImport[] = [];
  for (const pair of DATASET_PAIRS) {
    const arn = values.get(pair.arnKey);
    const path = values.get(pair.pathKey);
    if (arn && path) imports.push({ kind: pair.kind, datasetArn: arn.value, dataLocation: path.value });
    else if (arn && !invalid.has(pair.pathKey)) {
      issues.push({
        file,
        line: arn.line,
        key: pair.arnKey,
        message: `is set but ${pair.pathKey} is not: a dataset needs both to be re-imported.`,
        fix: `set ${pair.pathKey}, or leave ${pair.arnKey} empty to skip this dataset.`,
      });
    } else if (path && !invalid.has(pair.arnKey)) {
      issues.push({
        file,
        line: path.line,
        key: pair.pathKey,
        message: `is set but ${pair.arnKey} is not: a dataset needs both to be re-imported.`,
        fix: `set ${pair.arnKey}, or leave ${pair.pathKey} empty to skip this dataset.`,
      });
    }
  }
  const anyPairKey = DATASET_PAIRS.some((pair) => invalid.has(pair.arnKey) || invalid.has(pair.pathKey));
  const anyHalfPair = issues.some((issue) =>
    DATASET_PAIRS.some((p) => p.arnKey === issue.key || p.pathKey === issue.key),
  );
  if (imports.length === 0 && !anyPairKey && !anyHalfPair) {
    issues.push({
      file,
      line: 0,
      key: 'UserInteractionDatasetArn',
      message: 'no dataset is configured: retraining without new data makes no sense.',
      fix: 'set at least one pair, e.g. UserInteractionDatasetArn and S3UserInteractionDatasourcePath.',
    });
  }
  checkBatchKeys(values, invalid, file, issues);
  issues.push(...misplacedArns(values, file));
  if (issues.length > 0) return { issues: issues.sort((a, b) => a.line - b.line) };

  const optional = <K extends string>(key: string, name: K) => {
    const v = value(key);
    return (v === undefined ? {} : { [name]: v }) as Partial<Record<K, string>>;
  };
  const minimum = value('GateMinimum');
  return {
    config: {
      sourceFile: file,
      pipelineName: options.pipelineName ?? DEFAULT_STACK_NAME,
      importRoleArn: value('ImportRoleArn') ?? '',
      solutionArn: value('SolutionArn') ?? '',
      imports,
      ...optional('CampaignArn', 'campaignArn'),
      retrainingRate: parseSchedule(value('RetrainingRate') ?? DEFAULT_RETRAINING_RATE),
      ...(value('UpdateRate') === undefined ? {} : { updateRate: parseSchedule(value('UpdateRate') ?? '') }),
      pollIntervalSeconds: Number(value('PollInterval') ?? DEFAULT_POLL_INTERVAL_SECONDS),
      trainingMode: (value('TrainingMode') ?? 'FULL') as PipelineConfig['trainingMode'],
      importMode: (value('ImportMode') ?? 'FULL') as PipelineConfig['importMode'],
      gate: {
        metric: (value('GateMetric') ?? DEFAULT_GATE_METRIC) as GateMetric,
        tolerance: Number(value('GateTolerance') ?? 0),
        ...(minimum === undefined ? {} : { minimum: Number(minimum) }),
      },
      ...optional('NotificationUrl', 'notificationUrl'),
      ...optional('NotificationTopicArn', 'notificationTopicArn'),
      ...optional('NotificationEmail', 'notificationEmail'),
      ...batchInference(value),
      skipUnchangedData: value('SkipUnchangedData') === 'true',
    },
  };
}

function batchInference(value: (key: string) => string | undefined): { batchInference?: BatchInference } {
  const inputPath = value('BatchInferenceInputPath');
  const outputPath = value('BatchInferenceOutputPath');
  if (inputPath === undefined || outputPath === undefined) return {};
  const filterArn = value('BatchInferenceFilterArn');
  return {
    batchInference: {
      inputPath,
      outputPath,
      numResults: Number(value('BatchInferenceNumResults') ?? DEFAULT_BATCH_RESULTS),
      ...(filterArn === undefined ? {} : { filterArn }),
      roleArn: value('BatchInferenceRoleArn') ?? value('ImportRoleArn') ?? '',
    },
  };
}

/** Input and output go together; the other batch keys need both. */
function checkBatchKeys(
  values: ReadonlyMap<string, ParameterLine>,
  invalid: ReadonlySet<string>,
  file: string,
  issues: ConfigIssue[],
): void {
  const input = values.get('BatchInferenceInputPath');
  const output = values.get('BatchInferenceOutputPath');
  if (input && !output && !invalid.has('BatchInferenceOutputPath')) {
    issues.push({
      file,
      line: input.line,
      key: 'BatchInferenceInputPath',
      message: 'is set but BatchInferenceOutputPath is not: batch inference needs both.',
      fix: 'set BatchInferenceOutputPath=s3://<bucket>/<prefix>/, or leave BatchInferenceInputPath empty.',
    });
  } else if (output && !input && !invalid.has('BatchInferenceInputPath')) {
    issues.push({
      file,
      line: output.line,
      key: 'BatchInferenceOutputPath',
      message: 'is set but BatchInferenceInputPath is not: batch inference needs both.',
      fix: 'set BatchInferenceInputPath=s3://<bucket>/<users file>.json, or leave BatchInferenceOutputPath empty.',
    });
  } else if (
    !input &&
    !output &&
    !invalid.has('BatchInferenceInputPath') &&
    !invalid.has('BatchInferenceOutputPath')
  ) {
    for (const key of BATCH_SETTINGS) {
      const entry = values.get(key);
      if (!entry) continue;
      issues.push({
        file,
        line: entry.line,
        key,
        message: 'is set but batch inference is not configured, so it would be ignored.',
        fix: 'set BatchInferenceInputPath and BatchInferenceOutputPath, or leave this key empty.',
      });
    }
  }
}

/**
 * The datasets and the campaign must be in the solution's account and region: Step Functions calls
 * Personalize in its own region, and the stack is deployed where the solution is. One rule for
 * `validate`, `run` and `synth`.
 */
function misplacedArns(values: ReadonlyMap<string, ParameterLine>, file: string): ConfigIssue[] {
  const solution = values.get('SolutionArn');
  if (!solution) return [];
  const [, , , region, account] = solution.value.split(':');
  const keys = [...DATASET_PAIRS.map((pair) => pair.arnKey), 'CampaignArn'];
  return keys.flatMap((key): ConfigIssue[] => {
    const entry = values.get(key);
    if (!entry) return [];
    const [, , , otherRegion, otherAccount] = entry.value.split(':');
    if (otherRegion === region && otherAccount === account) return [];
    return [
      {
        file,
        line: entry.line,
        key,
        message: `is in account ${otherAccount} and region ${otherRegion}, not in the solution's (account ${account}, region ${region}).`,
        fix: 'use resources of one account and region: Step Functions calls Personalize in its own region.',
      },
    ];
  });
}

/** Reads and validates a parameters file; throws ConfigError with every issue, or a clear error if unreadable. */
export function loadPipelineConfig(file: string, options: ParseOptions = {}): PipelineConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError([
      {
        file,
        line: 0,
        key: 'PARAMS_FILE',
        message:
          code === 'ENOENT'
            ? 'the parameters file does not exist.'
            : `the parameters file cannot be read (${code}).`,
        fix: 'pass --params FILE or set PARAMS_FILE to your parameters file (see docs/CONFIGURATION.md).',
      },
    ]);
  }
  const result = parsePipelineConfig(text, file, options);
  if (result.issues) throw new ConfigError(result.issues);
  return result.config;
}
