import '../../src/shared/polyfills.js';
import validateAsl from 'asl-validator';
import { StateMachine } from 'aws-local-stepfunctions';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PipelineConfig } from '../../src/config/pipelineConfig.js';
import type { State, StateMachineDefinition } from '../../src/pipeline/definition/asl.js';
import { buildDefinition, buildRollbackDefinition } from '../../src/pipeline/definition/index.js';
import { seededRandom } from '../../src/shared/random.js';
import { configWith } from '../support/pipelineConfigs.js';
import { GATE_REJECTIONS } from '../../src/pipeline/definition/gateStates.js';
import { PUT_METRIC_DATA } from '../../src/pipeline/definition/metricPublicationStates.js';

const CONFIGS: Record<string, PipelineConfig> = {
  'three datasets and a campaign': configWith(),
  'interactions only, no campaign': configWith({
    UserDatasetArn: undefined,
    S3UserDatasourcePath: undefined,
    ItemDatasetArn: undefined,
    S3ItemDatasourcePath: undefined,
    CampaignArn: undefined,
  }),
  'no campaign, with a minimum': configWith({ CampaignArn: undefined, GateMinimum: '0.05' }),
  'a tolerance and a minimum': configWith({ GateTolerance: '0.01', GateMinimum: '0.02' }),
  'UPDATE training, INCREMENTAL imports, cron schedule': configWith({
    TrainingMode: 'UPDATE',
    ImportMode: 'INCREMENTAL',
    RetrainingRate: 'cron(0 3 ? * MON *)',
  }),
};

interface Scope {
  readonly startAt: string;
  readonly states: Readonly<Record<string, State>>;
}

/** The top level and every Map's inner machine, each its own scope for transitions. */
function scopes(definition: StateMachineDefinition): Scope[] {
  const all: Scope[] = [{ startAt: definition.StartAt, states: definition.States }];
  for (const state of Object.values(definition.States)) {
    if (state.Type === 'Map')
      all.push({ startAt: state.ItemProcessor.StartAt, states: state.ItemProcessor.States });
  }
  return all;
}

function targets(state: State): string[] {
  const next: string[] = [];
  if ('Next' in state && state.Next) next.push(state.Next);
  if (state.Type === 'Choice') {
    next.push(state.Default);
    for (const rule of state.Choices) if (rule.Next) next.push(rule.Next);
  }
  if ('Catch' in state) for (const rule of state.Catch) next.push(rule.Next);
  return next;
}

/** States no path from StartAt leads to, per scope; also fails on a transition to a missing state. */
function unreachableStates(definition: StateMachineDefinition): string[] {
  return scopes(definition).flatMap((scope) => {
    const seen = new Set<string>();
    const queue = [scope.startAt];
    while (queue.length > 0) {
      const name = queue.pop() ?? '';
      if (seen.has(name)) continue;
      const state = scope.states[name];
      assert.ok(state, `transition to missing state ${name}`);
      seen.add(name);
      queue.push(...targets(state));
    }
    return Object.keys(scope.states).filter((name) => !seen.has(name));
  });
}

function tasks(
  definition: StateMachineDefinition,
): { name: string; state: Extract<State, { Type: 'Task' }>; inMap: boolean }[] {
  return scopes(definition).flatMap((scope, index) =>
    Object.entries(scope.states).flatMap(([name, state]) =>
      state.Type === 'Task' ? [{ name, state, inMap: index > 0 }] : [],
    ),
  );
}

const NOTIFY_TASKS = new Set(['NotifySuccess', 'NotifyFailure', 'NotifyRejection', 'NotifySkip']);

for (const [label, config] of Object.entries(CONFIGS)) {
  describe(`the definition for ${label}`, () => {
    const definition = buildDefinition(config, { pipelineName: 'shop' });

    test('is valid Amazon States Language', () => {
      const result = validateAsl(definition);
      assert.deepEqual(result.errors, []);
      assert.equal(result.isValid, true);
    });

    test('has every transition target, and every state is reachable', () => {
      assert.deepEqual(unreachableStates(definition), []);
    });

    test('uses only Step Functions SDK integrations for Personalize, SNS and CloudWatch metrics: no Lambda', () => {
      for (const { name, state } of tasks(definition)) {
        assert.match(
          state.Resource,
          /^arn:aws:states:::(aws-sdk:personalize:[a-zA-Z]+|sns:publish|aws-sdk:cloudwatch:putMetricData)$/,
          `${name} uses ${state.Resource}`,
        );
      }
      assert.doesNotMatch(JSON.stringify(definition), /lambda/i);
    });

    test('waits exactly PollInterval seconds in every Wait (the reference ignored it)', () => {
      const waits = scopes(definition).flatMap((scope) =>
        Object.values(scope.states).filter((state) => state.Type === 'Wait'),
      );
      assert.ok(waits.length >= 2);
      for (const wait of waits)
        assert.equal(wait.Type === 'Wait' && wait.Seconds, config.pollIntervalSeconds);
    });

    test('retries every Personalize task with backoff on quotas, busy resources and throttling', () => {
      for (const { name, state } of tasks(definition)) {
        if (state.Resource === PUT_METRIC_DATA) continue;
        const retry = state.Retry.find((rule) =>
          rule.ErrorEquals.includes('Personalize.LimitExceededException'),
        );
        assert.ok(retry, `${name} has no Retry on LimitExceededException`);
        for (const error of ['Personalize.ResourceInUseException', 'Personalize.ThrottlingException']) {
          assert.ok(retry.ErrorEquals.includes(error), `${name} does not retry ${error}`);
        }
        assert.ok(retry.BackoffRate > 1 && retry.MaxAttempts > 1);
      }
    });

    test('catches every error of every task on the way to a failure notification (the reference had empty Catch)', () => {
      for (const { name, state, inMap } of tasks(definition)) {
        const catchAll = state.Catch.find((rule) => rule.ErrorEquals.includes('States.ALL'));
        assert.ok(catchAll, `${name} has no Catch for States.ALL`);
        if (NOTIFY_TASKS.has(name)) continue;
        // A lost data point is noted and the run goes on (docs/PIPELINE.md, "CloudWatch metrics").
        if (state.Resource === PUT_METRIC_DATA) {
          assert.equal(catchAll.Next, state.Next, name);
          continue;
        }
        if (inMap) {
          const map = Object.values(definition.States).find((s) => s.Type === 'Map');
          assert.equal(map?.Type === 'Map' && map.ItemProcessor.States[catchAll.Next]?.Type, 'Fail');
          assert.ok(map?.Type === 'Map' && map.Catch.some((rule) => rule.Next === 'SummarizeFailure'));
        } else {
          assert.equal(catchAll.Next, 'SummarizeFailure', name);
        }
      }
      assert.equal(
        definition.States['SummarizeFailure']?.Type === 'Pass' && definition.States['SummarizeFailure'].Next,
        'NotifyFailure',
      );
      assert.equal(definition.States['RetrainingFailed']?.Type, 'Fail');
    });

    test('names what it creates after the execution, so a re-run finds it', () => {
      const prepare = definition.States['Prepare'];
      assert.match(JSON.stringify(prepare), /States\.Hash\(\$\$\.Execution\.Name/);
      const map = definition.States['ImportDatasets'];
      assert.ok(map?.Type === 'Map');
      assert.match(JSON.stringify(map.ItemProcessor.States['NameImportJob']), /\$\.RunId/);
      assert.equal(
        definition.States['CreateSolutionVersion']?.Type === 'Task' &&
          definition.States['CreateSolutionVersion'].Parameters['Name.$'],
        '$.TrainingRun.Name',
      );
      assert.match(JSON.stringify(definition.States['NameSolutionVersion']), /\$\.Run\.RunId/);
    });

    test('imports exactly the configured datasets, in parallel', () => {
      const prepare = definition.States['Prepare'];
      const imports = (prepare?.Type === 'Pass' ? prepare.Parameters?.['Imports'] : []) as {
        DatasetArn: string;
      }[];
      assert.deepEqual(
        imports.map((item) => item.DatasetArn),
        config.imports.map((item) => item.datasetArn),
      );
      const map = definition.States['ImportDatasets'];
      assert.ok(map?.Type === 'Map' && map.MaxConcurrency >= config.imports.length);
    });

    if (config.campaignArn) {
      test('deploys only through the metric gate, and waits on LatestCampaignUpdate, not the campaign status', () => {
        const intoUpdate = Object.entries(definition.States).filter(([, state]) =>
          targets(state).includes('UpdateCampaign'),
        );
        assert.deepEqual(
          intoUpdate.map(([name]) => name),
          ['MetricGate'],
        );
        const describeUpdate = definition.States['DescribeCampaignUpdate'];
        assert.ok(describeUpdate?.Type === 'Task');
        assert.deepEqual(describeUpdate.ResultSelector, { 'Update.$': '$.Campaign.LatestCampaignUpdate' });
        const check = JSON.stringify(definition.States['CampaignUpdateStatus']);
        assert.match(check, /\$\.CampaignUpdate\.Update\.Status/);
        assert.match(check, /\$\.CampaignUpdate\.Update\.SolutionVersionArn/);
        assert.doesNotMatch(JSON.stringify(definition), /"\$\.Campaign\.Status"|Campaign\.Campaign\.Status/);
      });
    } else {
      test('has no campaign states at all (the reference polled a campaign it did not have)', () => {
        const resources = tasks(definition).map(({ state }) => state.Resource);
        assert.ok(!resources.some((resource) => /Campaign$/i.test(resource)), resources.join(', '));
        assert.ok(!Object.keys(definition.States).some((name) => name.includes('Campaign')));
      });
    }
  });
}

test('the rollback definition is valid ASL whose every state is reachable', () => {
  const config = configWith();
  const definition = buildRollbackDefinition({ ...config, campaignArn: config.campaignArn ?? '' });
  assert.deepEqual(validateAsl(definition).errors, []);
  assert.deepEqual(unreachableStates(definition), []);
});

test('RetrainingRate defaults to rate(7 days) (the reference sample left it out of parameters.cfg)', () => {
  assert.equal(configWith().retrainingRate.expression, 'rate(7 days)');
});

test('the definition JSON matches its snapshot (UPDATE_SNAPSHOTS=1 rewrites it after a deliberate change)', () => {
  const file = join(process.cwd(), 'test', 'pipeline', '__snapshots__', 'definition.full.json');
  const actual = `${JSON.stringify(buildDefinition(configWith(), { pipelineName: 'shop' }), null, 2)}\n`;
  if (process.env['UPDATE_SNAPSHOTS'] === '1' || !existsSync(file)) {
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, actual);
  }
  assert.equal(actual, readFileSync(file, 'utf8'));
});

describe('the metric gate', () => {
  // Building a machine validates its definition (slow with the tolerance grid): one per config.
  const machines = new Map<PipelineConfig, StateMachine>();
  function machineFor(config: PipelineConfig): StateMachine {
    const full = buildDefinition(config);
    const metricGate = full.States['MetricGate'];
    assert.ok(metricGate);
    const outcomes = Object.fromEntries(
      targets(metricGate).map((name) => [
        name,
        GATE_REJECTIONS.includes(name) ? { Type: 'Fail', Error: 'Rejected' } : { Type: 'Succeed' },
      ]),
    );
    const definition = { StartAt: 'MetricGate', States: { MetricGate: metricGate, ...outcomes } };
    return new StateMachine(definition as never);
  }
  async function gate(config: PipelineConfig, input: Record<string, unknown>): Promise<'deploy' | 'reject'> {
    const machine = machines.get(config) ?? machineFor(config);
    machines.set(config, machine);
    try {
      await machine.run(input as never).result;
      return 'deploy';
    } catch {
      return 'reject';
    }
  }
  const metrics = (served: number | undefined, fresh: number | undefined) => ({
    NewMetrics: {
      Metrics: fresh === undefined ? {} : { normalized_discounted_cumulative_gain_at_10: fresh },
    },
    ...(served === undefined
      ? {}
      : { ServedMetrics: { Metrics: { normalized_discounted_cumulative_gain_at_10: served } } }),
  });

  test('with tolerance 0, deploys an equal or better model and rejects a worse one', async () => {
    const config = configWith();
    assert.equal(await gate(config, metrics(0.3, 0.3)), 'deploy');
    assert.equal(await gate(config, metrics(0.3, 0.31)), 'deploy');
    assert.equal(await gate(config, metrics(0.3, 0.2999)), 'reject');
  });

  test('with a tolerance, allows a drop up to it and never more', async () => {
    const config = configWith({ GateTolerance: '0.01' });
    assert.equal(await gate(config, metrics(0.3, 0.2905)), 'deploy');
    assert.equal(await gate(config, metrics(0.3, 0.2895)), 'reject');
    const random = seededRandom(11);
    for (let n = 0; n < 150; n++) {
      const served = random();
      const fresh = served - 0.03 + random() * 0.04;
      if ((await gate(config, metrics(served, fresh))) === 'deploy') {
        assert.ok(fresh >= served - 0.01 - 1e-9, `deployed ${fresh} against ${served}`);
      } else {
        // The grid is at most one step (tolerance / 4) stricter than the tolerance.
        assert.ok(fresh < served - 0.01 + 0.0025 + 1e-9, `rejected ${fresh} against ${served}`);
      }
    }
  });

  test('lets a version through when there is nothing to compare, but never below GateMinimum', async () => {
    const config = configWith({ GateMinimum: '0.1' });
    assert.equal(await gate(config, metrics(undefined, 0.2)), 'deploy');
    assert.equal(await gate(config, metrics(0.3, undefined)), 'deploy');
    assert.equal(await gate(config, metrics(undefined, 0.05)), 'reject');
    assert.equal(await gate(config, metrics(0.01, 0.05)), 'reject');
  });
});
