import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CreateCampaignCommand,
  DescribeCampaignCommand,
  type PersonalizeClient,
} from '@aws-sdk/client-personalize';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { StateMachineDefinition as RunnerDefinition } from 'aws-local-stepfunctions';
import { parsePipelineConfig, type PipelineConfig } from '../../src/config/pipelineConfig.js';
import { RetrainingStack } from '../../src/deploy/retrainingStack.js';
import { buildDefinition } from '../../src/pipeline/definition/index.js';
import type { Notification, Notifier } from '../../src/pipeline/runner/notifier.js';
import { runPipeline } from '../../src/pipeline/runner/retrainingRun.js';
import { startTestEngine } from '../support/engine.js';
import { RECIPE, createSolution, importShop, trainVersion } from '../support/shop.js';
import { waitFor } from '../support/wait.js';
import { tempStore } from '../pipeline/runner/support.js';

const STACK_NAME = 'shop-retraining';

/**
 * The state machine's DefinitionString exactly as CloudFormation receives it, with each
 * `${key}` replaced as Step Functions would: a literal stays itself, a Ref to a topic becomes the
 * given ARN. Anything else unresolved fails the test.
 */
function deployedDefinition(template: Template, topicArn: string): unknown {
  const [stateMachine] = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
  const properties = stateMachine?.['Properties'] as {
    DefinitionString: unknown;
    DefinitionSubstitutions: Record<string, unknown>;
  };
  assert.equal(
    typeof properties.DefinitionString,
    'string',
    'the definition holds no CloudFormation function',
  );
  const topics = Object.keys(template.findResources('AWS::SNS::Topic'));
  const values = Object.fromEntries(
    Object.entries(properties.DefinitionSubstitutions).map(([key, value]) => {
      if (typeof value === 'string') return [key, value];
      const ref = (value as { Ref?: string }).Ref;
      assert.ok(ref !== undefined && topics.includes(ref), `substitution ${key} is the stack's topic`);
      return [key, topicArn];
    }),
  );
  const resolved = (properties.DefinitionString as string).replace(/\$\{([^}]+)\}/g, (_, key: string) => {
    assert.ok(key in values, `\${${key}} has a substitution`);
    return values[key] ?? '';
  });
  return JSON.parse(resolved);
}

async function servingCampaign(personalize: PersonalizeClient, solutionVersionArn: string): Promise<string> {
  const { campaignArn = '' } = await personalize.send(
    new CreateCampaignCommand({ name: 'shop-front-page', solutionVersionArn }),
  );
  await waitFor(
    () => personalize.send(new DescribeCampaignCommand({ campaignArn })),
    (r) => r.campaign?.status === 'ACTIVE',
  );
  return campaignArn;
}

function pipelineConfig(text: string): PipelineConfig {
  const result = parsePipelineConfig(text, 'parameters.cfg');
  if (result.issues) throw new Error(JSON.stringify(result.issues));
  return result.config;
}

test('the definition the stack deploys, substitutions resolved, is the builder’s and retrains the engine’s campaign on the local runner', async (t) => {
  const { engine, personalize, dataRoot } = await startTestEngine(t, { timings: { campaignDeployMs: 0 } });
  const shop = await importShop(personalize, dataRoot, 'shop');
  const solutionArn = await createSolution(
    personalize,
    shop.datasetGroupArn,
    'shop-solution',
    RECIPE.popularity,
  );
  const first = await trainVersion(personalize, solutionArn);
  const campaignArn = await servingCampaign(personalize, first.solutionVersionArn);

  const config = pipelineConfig(
    [
      'ImportRoleArn=arn:aws:iam::000000000000:role/PersonalizeImport',
      `SolutionArn=${solutionArn}`,
      `UserInteractionDatasetArn=${shop.interactionsDatasetArn}`,
      'S3UserInteractionDatasourcePath=s3://shop-bucket/shop-interactions.csv',
      `CampaignArn=${campaignArn}`,
      'PollInterval=1',
      'GateTolerance=0.5',
    ].join('\n'),
  );
  const stack = new RetrainingStack(new App(), { config, stackName: STACK_NAME });
  const topicArn = `arn:aws:sns:us-east-1:000000000000:${STACK_NAME}-notifications`;
  const definition = deployedDefinition(Template.fromStack(stack), topicArn);
  assert.deepEqual(
    definition,
    buildDefinition(config, { notificationTopicArn: topicArn, pipelineName: STACK_NAME }),
  );

  const notifications: Notification[] = [];
  const notifier: Notifier = {
    publish: (notification) => {
      notifications.push(notification);
      return Promise.resolve({ messageId: `m-${notifications.length}` });
    },
  };
  const { store } = tempStore(t);
  const outcome = await runPipeline({
    definition: definition as RunnerDefinition,
    pipelineName: STACK_NAME,
    target: { kind: 'endpoint', endpoint: engine.url, personalize },
    store,
    notifier,
    waitOverrideMs: 25, // short, but far from the poll limits (1000 training checks) on a slow machine
    retryOverrideMs: 5,
  });
  assert.equal(
    outcome.execution.status,
    'SUCCEEDED',
    `${outcome.execution.error}: ${outcome.execution.cause}`,
  );
  assert.deepEqual(
    notifications.map((n) => [n.topicArn, n.subject]),
    [[topicArn, `${STACK_NAME}: retraining succeeded`]],
  );
  const served = await personalize.send(new DescribeCampaignCommand({ campaignArn }));
  assert.notEqual(served.campaign?.solutionVersionArn, first.solutionVersionArn);
  assert.match(served.campaign?.solutionVersionArn ?? '', new RegExp(`^${solutionArn}/`));
  assert.equal(served.campaign?.latestCampaignUpdate?.status, 'ACTIVE');
});
