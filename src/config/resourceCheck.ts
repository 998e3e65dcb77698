import {
  DescribeCampaignCommand,
  DescribeDatasetCommand,
  DescribeFilterCommand,
  DescribeSolutionCommand,
  PersonalizeClient,
} from '@aws-sdk/client-personalize';
import type { ConfigIssue } from './parametersFile.js';
import { DATASET_KEYS, type PipelineConfig } from './pipelineConfig.js';
import { updateRefusal } from './trainingModes.js';

/** Where the resources live: a Personalize-compatible endpoint, or AWS in a region. */
export interface ResourceCheckOptions {
  readonly endpoint?: string;
  readonly region?: string;
  /** The line a key is set on, so a missing resource points at its line. */
  readonly lineOf?: (key: string) => number;
}

export interface ResourceCheck {
  /** Resources that do not exist or do not fit together: the file is wrong. */
  readonly issues: readonly ConfigIssue[];
  /** Legal but probably unintended, such as the service's own automatic training. */
  readonly warnings: readonly string[];
  /** Set when the service could not be asked at all (nothing else was checked). */
  readonly unreachable: ConfigIssue | undefined;
}

/** An error the service answered with (it has an HTTP status), as opposed to one that never reached it. */
function serviceAnswered(error: unknown): error is Error {
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return error instanceof Error && status !== undefined;
}

class ServiceUnreachable extends Error {
  constructor(readonly original: unknown) {
    super(original instanceof Error ? original.message : String(original));
    this.name = new.target.name;
  }
}

/**
 * Looks every configured resource up with the official Personalize client, as the pipeline will:
 * the solution, each dataset (and that it belongs to the solution's dataset group) and the
 * campaign, and the batch inference filter; with UpdateRate or TrainingMode=UPDATE, that the solution's
 * recipe can train UPDATE. Also warns when the solution trains itself (`performAutoTraining`), since then the
 * service and the pipeline would both train, and bill, every cycle.
 */
export async function checkPipelineResources(
  config: PipelineConfig,
  options: ResourceCheckOptions,
): Promise<ResourceCheck> {
  const client = new PersonalizeClient({
    ...(options.endpoint
      ? {
          endpoint: options.endpoint,
          region: options.region ?? config.solutionArn.split(':')[3] ?? 'us-east-1',
          credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        }
      : { region: options.region ?? 'us-east-1' }),
    maxAttempts: 2,
  });
  const issues: ConfigIssue[] = [];
  const warnings: string[] = [];
  const lineOf = options.lineOf ?? (() => 0);
  const issue = (key: string, message: string, fix: string) =>
    issues.push({ file: config.sourceFile, line: lineOf(key), key, message, fix });
  const describe = async <T>(key: string, arn: string, call: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await call();
    } catch (error) {
      if (!serviceAnswered(error)) throw new ServiceUnreachable(error);
      if (error.name === 'UnknownOperationException') {
        issue(
          key,
          `${arn} cannot be looked up: ${options.endpoint ?? 'the service'} does not implement it (${error.message}).`,
          'leave the key empty to run against this endpoint, or validate against AWS with --region.',
        );
        return undefined;
      }
      issue(
        key,
        error.name === 'ResourceNotFoundException'
          ? `${arn} does not exist.`
          : `${arn} cannot be read: ${error.name}: ${error.message}`,
        'check the ARN, and that the pipeline runs in its region and account.',
      );
      return undefined;
    }
  };
  try {
    const solution = (
      await describe('SolutionArn', config.solutionArn, () =>
        client.send(new DescribeSolutionCommand({ solutionArn: config.solutionArn })),
      )
    )?.solution;
    const updates = config.updateRate !== undefined || config.trainingMode === 'UPDATE';
    const refusal = updates && solution?.recipeArn ? updateRefusal(solution.recipeArn) : undefined;
    if (refusal) {
      const key = config.updateRate !== undefined ? 'UpdateRate' : 'TrainingMode';
      issue(key, `${config.solutionArn}: ${refusal.message}`, refusal.fix);
    }
    if (solution?.performAutoTraining) {
      warnings.push(
        `${config.solutionArn} has automatic training on (performAutoTraining): the service and this pipeline ` +
          'would both train, and bill, a new version. Create the solution with performAutoTraining false, or ' +
          'let the service train and use this pipeline only to import.',
      );
    }
    for (const item of config.imports) {
      const key = DATASET_KEYS[item.kind].arnKey;
      const dataset = (
        await describe(key, item.datasetArn, () =>
          client.send(new DescribeDatasetCommand({ datasetArn: item.datasetArn })),
        )
      )?.dataset;
      if (dataset && solution && dataset.datasetGroupArn !== solution.datasetGroupArn) {
        issue(
          key,
          `${item.datasetArn} is in dataset group ${dataset.datasetGroupArn}, but the solution trains on ${solution.datasetGroupArn}.`,
          `use the ${item.kind} dataset of ${solution.datasetGroupArn}, or the solution of the dataset's group.`,
        );
      }
    }
    if (config.campaignArn) {
      const campaignArn = config.campaignArn;
      const campaign = (
        await describe('CampaignArn', campaignArn, () =>
          client.send(new DescribeCampaignCommand({ campaignArn })),
        )
      )?.campaign;
      const served = campaign?.solutionVersionArn;
      if (served && !served.startsWith(`${config.solutionArn}/`)) {
        warnings.push(
          `${campaignArn} serves ${served}, a version of another solution: the first run that passes the gate ` +
            `switches it to a version of ${config.solutionArn}.`,
        );
      }
    }
    const filterArn = config.batchInference?.filterArn;
    if (filterArn) {
      const filter = (
        await describe('BatchInferenceFilterArn', filterArn, () =>
          client.send(new DescribeFilterCommand({ filterArn })),
        )
      )?.filter;
      if (filter && solution && filter.datasetGroupArn !== solution.datasetGroupArn) {
        issue(
          'BatchInferenceFilterArn',
          `${filterArn} filters dataset group ${filter.datasetGroupArn}, but the solution trains on ${solution.datasetGroupArn}.`,
          "use a filter of the solution's dataset group.",
        );
      }
    }
  } catch (error) {
    if (!(error instanceof ServiceUnreachable)) throw error;
    const where = options.endpoint ?? `AWS in ${options.region ?? 'us-east-1'}`;
    return {
      issues: [],
      warnings,
      unreachable: {
        file: config.sourceFile,
        line: 0,
        key: options.endpoint ? '--endpoint' : '--region',
        message: `could not ask ${where} about the resources: ${error.message}`,
        fix: options.endpoint
          ? 'start the engine (personalize-retrain engine) or pass the URL it listens on.'
          : 'check your AWS credentials and network; the file itself is valid.',
      },
    };
  } finally {
    client.destroy();
  }
  return { issues, warnings, unreachable: undefined };
}
