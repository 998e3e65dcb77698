import type { PipelineConfig } from '../config/pipelineConfig.js';
import type { StateMachineDefinition } from '../pipeline/definition/index.js';
import { PUT_METRIC_DATA } from '../pipeline/definition/metricPublicationStates.js';
import { S3_LIST_OBJECTS } from '../pipeline/definition/unchangedDataStates.js';
import { definitionTasks } from './definitionTasks.js';
import { DeploymentConfigError } from './deploymentErrors.js';

const PERSONALIZE_SDK_PREFIX = 'arn:aws:states:::aws-sdk:personalize:';
const SNS_PUBLISH_RESOURCES = new Set([
  'arn:aws:states:::sns:publish',
  'arn:aws:states:::aws-sdk:sns:publish',
]);

/** The kinds of Personalize resource an IAM statement can name for this pipeline. */
type ResourceKind =
  | 'datasetImportJobs'
  | 'datasets'
  | 'solution'
  | 'solutionVersions'
  | 'campaign'
  | 'batchInferenceJobs'
  | 'batchFilter'
  | 'any';

/**
 * Which resources each Personalize action is authorized against, after the service authorization
 * reference for Personalize. A solution version's ARN is its solution's ARN plus `/<id>`. The List*
 * actions there have no resource type, so IAM accepts only `"*"` for them.
 */
const ACTION_RESOURCES: Readonly<Record<string, readonly ResourceKind[]>> = {
  CreateDatasetImportJob: ['datasetImportJobs', 'datasets'],
  DescribeDatasetImportJob: ['datasetImportJobs'],
  CreateSolutionVersion: ['solution'],
  DescribeSolution: ['solution'],
  DescribeSolutionVersion: ['solutionVersions'],
  GetSolutionMetrics: ['solutionVersions'],
  StopSolutionVersionCreation: ['solutionVersions'],
  DescribeCampaign: ['campaign'],
  UpdateCampaign: ['campaign'],
  CreateBatchInferenceJob: ['batchInferenceJobs', 'solutionVersions', 'batchFilter'],
  DescribeBatchInferenceJob: ['batchInferenceJobs'],
  ListDatasetImportJobs: ['any'],
  ListSolutionVersions: ['any'],
  ListCampaigns: ['any'],
  ListTagsForResource: ['solutionVersions'],
  TagResource: ['solutionVersions'],
};

/** Tags given to a Create* call are applied with the caller's TagResource permission. */
const TAGGED_CREATIONS = new Set(['CreateSolutionVersion']);

/** Actions whose request hands a role to Personalize, which needs iam:PassRole on it: which role. */
const PASSED_ROLES: Readonly<Record<string, (config: PipelineConfig) => string | undefined>> = {
  CreateDatasetImportJob: (config) => config.importRoleArn,
  CreateBatchInferenceJob: (config) => config.batchInference?.roleArn,
};

/** What the definition's Task states call, in IAM terms. */
export interface DefinitionAccess {
  /** IAM action names (`personalize:CreateDatasetImportJob`), sorted, each once. */
  readonly personalizeActions: readonly string[];
  readonly publishesNotifications: boolean;
  /** The CloudWatch namespaces the definition's `putMetricData` states write to, sorted, each once. */
  readonly metricNamespaces: readonly string[];
  /** The definition lists datasource objects (SkipUnchangedData): see `datasourceStatements`. */
  readonly listsDatasources?: boolean;
}

/** One statement of the state machine role's policy. */
export interface AccessStatement {
  readonly sid: string;
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  readonly conditions?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/**
 * Reads the permissions off the definition: a Personalize action the definition does not call is
 * never granted, and a Task resource the stack does not know how to authorize stops the synth.
 */
export function definitionAccess(definition: StateMachineDefinition): DefinitionAccess {
  const actions = new Set<string>();
  const problems: string[] = [];
  let publishesNotifications = false;
  let listsDatasources = false;
  const namespaces = new Set<string>();
  for (const { stateName, resource, parameters, parameterNames } of definitionTasks(definition)) {
    if (SNS_PUBLISH_RESOURCES.has(resource)) {
      publishesNotifications = true;
    } else if (resource === S3_LIST_OBJECTS) {
      listsDatasources = true;
    } else if (resource === PUT_METRIC_DATA) {
      const namespace = (parameters as { Namespace?: unknown } | undefined)?.Namespace;
      // The grant is scoped by namespace, so it must be written in the definition, not computed.
      if (typeof namespace === 'string' && namespace !== '') namespaces.add(namespace);
      else
        problems.push(
          `state '${stateName}' calls cloudwatch:PutMetricData without a literal Namespace, so its permission cannot be limited to one.`,
        );
    } else if (resource.startsWith(PERSONALIZE_SDK_PREFIX)) {
      const sdkAction = resource.slice(PERSONALIZE_SDK_PREFIX.length);
      const action = sdkAction.charAt(0).toUpperCase() + sdkAction.slice(1);
      if (ACTION_RESOURCES[action]) actions.add(action);
      else
        problems.push(
          `state '${stateName}' calls personalize:${action}, which has no resource rule: add it to ACTION_RESOURCES in src/deploy/personalizeAccess.ts with the resources the service authorizes it against.`,
        );
      if (TAGGED_CREATIONS.has(action) && parameterNames.some((name) => /^Tags(\.\$)?$/.test(name)))
        actions.add('TagResource');
    } else {
      problems.push(
        `state '${stateName}' calls ${resource}; the stack grants only Personalize SDK integrations, s3:listObjectsV2, sns:publish and cloudwatch:putMetricData.`,
      );
    }
  }
  if (problems.length > 0)
    throw new DeploymentConfigError(
      `The pipeline definition cannot be deployed with least-privilege permissions:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  return {
    personalizeActions: [...actions].sort().map((action) => `personalize:${action}`),
    publishesNotifications,
    metricNamespaces: [...namespaces].sort(),
    listsDatasources,
  };
}

/**
 * The import job ARNs the pipeline may create, in each dataset's own partition, region and account.
 * Job names derive from the execution name, which exists only at run time, so the name part must be
 * a wildcard: nothing narrower than `dataset-import-job/*` can be known when the stack deploys.
 */
export function importJobPatterns(config: PipelineConfig): string[] {
  const patterns = config.imports.map((item) => {
    const [arn, partition, service, region, account] = item.datasetArn.split(':');
    return `${arn}:${partition}:${service}:${region}:${account}:dataset-import-job/*`;
  });
  return [...new Set(patterns)];
}

/** The batch inference job ARNs the pipeline may create: named after the run, in the solution's region and account. */
export function batchJobPattern(config: PipelineConfig): string {
  const [arn, partition, service, region, account] = config.solutionArn.split(':');
  return `${arn}:${partition}:${service}:${region}:${account}:batch-inference-job/*`;
}

function resourcesOf(kind: ResourceKind, config: PipelineConfig, action: string): string[] {
  switch (kind) {
    case 'datasetImportJobs':
      return importJobPatterns(config);
    case 'datasets':
      return config.imports.map((item) => item.datasetArn);
    case 'solution':
      return [config.solutionArn];
    case 'solutionVersions':
      return [`${config.solutionArn}/*`];
    case 'campaign':
      if (!config.campaignArn)
        throw new DeploymentConfigError(
          `The definition calls personalize:${action} but ${config.sourceFile} sets no CampaignArn: rebuild the definition from the same config.`,
        );
      return [config.campaignArn];
    case 'batchInferenceJobs':
      return [batchJobPattern(config)];
    case 'batchFilter':
      return config.batchInference?.filterArn ? [config.batchInference.filterArn] : [];
    case 'any':
      return ['*'];
  }
}

const SID_WORDS: Readonly<Record<ResourceKind, string>> = {
  datasetImportJobs: 'ImportJobs',
  datasets: 'Datasets',
  solution: 'Solution',
  solutionVersions: 'SolutionVersions',
  campaign: 'Campaign',
  batchInferenceJobs: 'BatchInferenceJobs',
  batchFilter: 'Filter',
  any: 'AnyResource',
};

/**
 * The state machine role's statements: the definition's Personalize actions on the config's ARNs,
 * grouped by identical resource lists, and iam:PassRole on the import role only, only towards
 * Personalize. Deterministic order, so the template does not churn between synths.
 */
export function personalizeStatements(config: PipelineConfig, access: DefinitionAccess): AccessStatement[] {
  const groups = new Map<string, { kinds: readonly ResourceKind[]; actions: string[] }>();
  for (const qualified of access.personalizeActions) {
    const action = qualified.slice('personalize:'.length);
    const kinds = ACTION_RESOURCES[action] ?? [];
    const key = kinds.join('+');
    const group = groups.get(key) ?? { kinds, actions: [] };
    group.actions.push(qualified);
    groups.set(key, group);
  }
  const statements: AccessStatement[] = [...groups.values()]
    .map(({ kinds, actions }) => ({
      sid: `Personalize${kinds.map((kind) => SID_WORDS[kind]).join('And')}`,
      actions,
      resources: kinds.flatMap((kind) => resourcesOf(kind, config, actions[0] ?? '')),
    }))
    .sort((a, b) => a.sid.localeCompare(b.sid));
  const passedRoles = new Set(
    access.personalizeActions.flatMap((qualified) => {
      const role = PASSED_ROLES[qualified.slice('personalize:'.length)]?.(config);
      return role ? [role] : [];
    }),
  );
  for (const namespace of access.metricNamespaces)
    statements.push({
      sid: `PutMetricDataIn${namespace.replace(/[^A-Za-z0-9]/g, '')}`,
      actions: ['cloudwatch:PutMetricData'],
      // PutMetricData has no resource type: IAM takes only "*", narrowed to the namespace by condition.
      resources: ['*'],
      conditions: { StringEquals: { 'cloudwatch:namespace': namespace } },
    });
  if (passedRoles.size > 0)
    statements.push({
      sid: 'PassRolesToPersonalize',
      actions: ['iam:PassRole'],
      resources: [...passedRoles].sort(),
      conditions: { StringEquals: { 'iam:PassedToService': 'personalize.amazonaws.com' } },
    });
  return statements;
}
