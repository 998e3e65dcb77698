import validateAsl from 'asl-validator';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { loadPipelineConfig, type PipelineConfig } from '../../../src/config/pipelineConfig.js';
import type { State, StateMachineDefinition } from '../../../src/pipeline/definition/asl.js';
import { PUT_METRIC_DATA } from '../../../src/pipeline/definition/metricPublicationStates.js';
import { unchangedDataStates } from '../../../src/pipeline/definition/unchangedDataStates.js';
import { buildDefinition } from '../../../src/pipeline/definition/index.js';
import { configWith } from '../../support/pipelineConfigs.js';

/**
 * The reference sample's defects that live in its definition or its parameters, one test each,
 * over the fixture parameters files (tests run from dist/, so fixtures resolve from the repo root).
 */
const repo = (...parts: string[]) => join(process.cwd(), ...parts);
const fromFixture = (name: string) => loadPipelineConfig(repo('test', 'fixtures', 'config', name));
const STACK_TOPIC = 'arn:aws:sns:us-west-2:210987654321:outdoor-gear-prod-notifications';

const CONFIGS: Record<string, PipelineConfig> = {
  "the reference sample's keys filled in": fromFixture('reference-shape.cfg'),
  'interactions only, no campaign': fromFixture('interactions-only.cfg'),
  'every key set': fromFixture('every-key.cfg'),
  'PollInterval=1': configWith({ PollInterval: '1' }),
  'PollInterval=3600, no campaign, a minimum': configWith({
    PollInterval: '3600',
    CampaignArn: undefined,
    GateMinimum: '0.1',
  }),
};

type Graph = ReadonlyMap<string, readonly string[]>;

function successors(state: State): string[] {
  const next: string[] = [];
  if ('Next' in state && state.Next) next.push(state.Next);
  if (state.Type === 'Choice') next.push(state.Default, ...state.Choices.flatMap((rule) => rule.Next ?? []));
  if ('Catch' in state) next.push(...state.Catch.map((rule) => rule.Next));
  return next;
}

function graphOf(states: Readonly<Record<string, State>>): Graph {
  return new Map(Object.entries(states).map(([name, state]) => [name, successors(state)]));
}

/** States reachable from `start`, never passing through `blocked`. */
function reachable(graph: Graph, start: string, blocked?: string): Set<string> {
  const seen = new Set<string>();
  const queue = [start];
  for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
    if (seen.has(name) || name === blocked) continue;
    seen.add(name);
    queue.push(...(graph.get(name) ?? []));
  }
  return seen;
}

function predecessors(graph: Graph, target: string): string[] {
  return [...graph].filter(([, next]) => next.includes(target)).map(([name]) => name);
}

function innerStates(definition: StateMachineDefinition) {
  const map = definition.States['ImportDatasets'];
  assert.ok(map?.Type === 'Map', 'imports run in a Map');
  return { map, states: map.ItemProcessor.States, startAt: map.ItemProcessor.StartAt };
}

for (const [label, config] of Object.entries(CONFIGS)) {
  describe(`the definition for ${label}`, () => {
    const definition = buildDefinition(config, { pipelineName: 'outdoor-gear-prod' });
    const top = graphOf(definition.States);
    const text = JSON.stringify(definition);

    test('asl-validator accepts it, paths and resource ARNs checked', () => {
      const { isValid, errors } = validateAsl(definition);
      assert.deepEqual(errors, []);
      assert.equal(isValid, true);
    });

    test('every Next, Default and Catch target exists and every state is reachable, inside the Map too', () => {
      const inner = innerStates(definition);
      for (const [states, startAt] of [
        [definition.States, definition.StartAt],
        [inner.states, inner.startAt],
      ] as const) {
        const graph = graphOf(states);
        for (const [name, next] of graph)
          for (const target of next) assert.ok(states[target], `${name} goes to missing ${target}`);
        const seen = reachable(graph, startAt);
        assert.deepEqual(
          Object.keys(states).filter((name) => !seen.has(name)),
          [],
        );
      }
    });

    test('defect "PollInterval ignored, waits hard-coded to 600 s": every Wait lasts PollInterval', () => {
      const waits = [
        ...Object.values(definition.States),
        ...Object.values(innerStates(definition).states),
      ].filter((state) => state.Type === 'Wait');
      assert.equal(
        waits.length,
        2 + (config.campaignArn ? 1 : 0) + (config.batchInference ? 1 : 0),
        'import, training, campaign and batch inference polls',
      );
      for (const wait of waits) assert.deepEqual(wait, { ...wait, Seconds: config.pollIntervalSeconds });
      assert.ok(
        !/"(Seconds|SecondsPath|Timestamp|TimestampPath)"/.test(
          text.replaceAll(`"Seconds":${config.pollIntervalSeconds}`, ''),
        ),
      );
    });

    test('defect "Lambda functions with hard-coded names": no Lambda, and every ARN inside comes from the config or the caller', () => {
      assert.doesNotMatch(text, /lambda|FunctionName/i);
      const [, , , region, account] = config.solutionArn.split(':');
      const given = new Set([
        config.importRoleArn,
        config.solutionArn,
        ...(config.campaignArn ? [config.campaignArn] : []),
        ...config.imports.map((item) => item.datasetArn),
        ...(config.batchInference
          ? [config.batchInference.roleArn, config.batchInference.filterArn ?? config.importRoleArn]
          : []),
        config.notificationTopicArn ?? `arn:aws:sns:${region}:${account}:personalize-retrain-local`,
      ]);
      const importJobPrefix = `arn:aws:personalize:${region}:${account}:dataset-import-job/`;
      const batchJobNames = [
        `arn:aws:personalize:${region}:${account}:batch-inference-job/{}-batch-1`,
        `arn:aws:personalize:${region}:${account}:batch-inference-job/{}-batch-{}`,
      ];
      // The Comment ends a sentence with an ARN: its full stop is not part of it.
      const found = new Set(text.match(/arn:[^"',) ]+/g)?.map((arn) => arn.replace(/\.$/, '')));
      for (const arn of found) {
        const integration =
          /^arn:aws:states:::(aws-sdk:personalize:\w+|sns:publish|aws-sdk:s3:listObjectsV2)$/.test(arn) ||
          arn === PUT_METRIC_DATA;
        assert.ok(
          integration || given.has(arn) || arn === importJobPrefix || batchJobNames.includes(arn),
          `${arn} was not given`,
        );
      }
      const onStack = JSON.stringify(buildDefinition(config, { notificationTopicArn: STACK_TOPIC }));
      assert.ok(onStack.includes(STACK_TOPIC) && !onStack.includes('personalize-retrain-local'));
    });

    test('defect "no retries": every Task retries quotas, busy resources and throttling with exponential backoff', () => {
      const tasks = [
        ...Object.values(definition.States),
        ...Object.values(innerStates(definition).states),
      ].filter((state) => state.Type === 'Task');
      for (const task of tasks) {
        const rule = task.Type === 'Task' ? task.Retry[0] : undefined;
        if (task.Type === 'Task' && task.Resource === PUT_METRIC_DATA) {
          // CloudWatch has its own throttling; a lost data point must not hold the run for long.
          assert.ok(
            rule?.ErrorEquals.includes('CloudWatch.Throttling'),
            'metric publication retries throttling',
          );
          continue;
        }
        assert.ok(rule, 'has a Retry');
        for (const error of [
          'Personalize.LimitExceededException',
          'Personalize.ResourceInUseException',
          'Personalize.ThrottlingException',
        ])
          assert.ok(rule.ErrorEquals.includes(error), error);
        assert.ok(rule.IntervalSeconds >= 1 && rule.BackoffRate >= 2 && rule.MaxAttempts >= 3);
        assert.ok(!rule.ErrorEquals.includes('States.ALL'), 'a real failure is not retried blindly');
      }
    });

    test('defect "empty Catch": inside the Map a Catch ends the iteration in a Fail, and the Map catches States.ALL to the failure path', () => {
      const { map, states } = innerStates(definition);
      for (const [name, state] of Object.entries(states)) {
        if (state.Type !== 'Task') continue;
        const last = state.Catch[state.Catch.length - 1];
        assert.deepEqual(last?.ErrorEquals, ['States.ALL'], name);
        assert.equal(states[last.Next]?.Type, 'Fail', `${name} catches to a Fail inside the iteration`);
      }
      assert.deepEqual(map.Catch, [
        { ErrorEquals: ['States.ALL'], ResultPath: '$.Error', Next: 'SummarizeFailure' },
      ]);
      // The unchanged-data check never fails a run: what it cannot read, it retrains over.
      const dataCheck = new Set(
        config.skipUnchangedData
          ? Object.keys(unchangedDataStates(config, 'ImportDatasets', { topicArn: 't', pipelineName: 'p' }))
          : [],
      );
      for (const [name, state] of Object.entries(definition.States)) {
        if (state.Type !== 'Task' || name.startsWith('Notify') || dataCheck.has(name)) continue;
        if (state.Resource === PUT_METRIC_DATA) {
          // A metric that cannot be published is noted; it never fails the run.
          assert.deepEqual(state.Catch, [
            { ErrorEquals: ['States.ALL'], ResultPath: '$.MetricPublication.Error', Next: state.Next },
          ]);
          continue;
        }
        assert.ok(
          state.Catch.some(
            (rule) => rule.ErrorEquals.includes('States.ALL') && rule.Next === 'SummarizeFailure',
          ),
          `${name} catches everything to the failure path`,
        );
      }
    });

    test('defect "no failure notification": every end of the run is preceded by a notification of its outcome', () => {
      const ends = Object.entries(definition.States).filter(
        ([, s]) => s.Type === 'Succeed' || s.Type === 'Fail',
      );
      const expected = ['RetrainingSucceeded', 'RetrainingSkipped', 'RetrainingFailed'];
      if (config.campaignArn || config.gate.minimum !== undefined) expected.push('RetrainingRejected');
      if (config.skipUnchangedData) expected.push('RetrainingSkippedUnchangedData');
      assert.deepEqual(ends.map(([name]) => name).sort(), expected.sort());
      for (const [end] of ends) {
        const [notify, ...others] = predecessors(top, end);
        assert.deepEqual(others, [], `${end} is reached from one state only`);
        const state = definition.States[notify ?? ''];
        assert.ok(
          state?.Type === 'Task' && state.Resource === 'arn:aws:states:::sns:publish',
          `${end} after ${notify}`,
        );
        const [summary] = predecessors(top, notify ?? '');
        const outcome = definition.States[summary ?? ''];
        assert.ok(outcome?.Type === 'Pass');
        assert.equal(
          outcome.Parameters?.['Outcome'],
          end.replace('Retraining', '').replace('UnchangedData', '').toUpperCase(),
        );
      }
    });

    if (config.campaignArn) {
      test('defect "no quality check before deploying": UpdateCampaign cannot be reached without passing the metric gate', () => {
        assert.ok(reachable(top, definition.StartAt).has('UpdateCampaign'));
        assert.ok(!reachable(top, definition.StartAt, 'MetricGate').has('UpdateCampaign'));
        assert.deepEqual(
          predecessors(top, 'GetNewMetrics'),
          ['TrainingStatus'],
          'the gate reads a trained version',
        );
      });

      test('defect "campaign active? reads the campaign Status": the rollout waits for LatestCampaignUpdate of this version', () => {
        const check = definition.States['CampaignUpdateStatus'];
        assert.ok(check?.Type === 'Choice');
        const done = check.Choices.find(
          (rule) => rule.Next === (config.batchInference ? 'NameBatchInferenceJob' : 'SummarizeSuccess'),
        );
        assert.deepEqual(done?.['And'], [
          { Variable: '$.CampaignUpdate.Update.Status', StringEquals: 'ACTIVE' },
          {
            Variable: '$.CampaignUpdate.Update.SolutionVersionArn',
            StringEqualsPath: '$.Training.SolutionVersionArn',
          },
        ]);
        // Anything else counts one status check and waits again.
        const count = definition.States[check.Default];
        assert.equal(count?.Type === 'Pass' && count.Next, 'WaitForCampaignUpdate');
      });
    } else {
      test('defect "empty CampaignArn still polls the campaign": no campaign call and no campaign state', () => {
        assert.doesNotMatch(text, /Campaign/);
      });
    }
  });
}

test('defect "RetrainingRate missing from parameters.cfg": a file without it runs weekly', () => {
  assert.equal(fromFixture('reference-shape.cfg').retrainingRate.expression, 'rate(7 days)');
  assert.equal(fromFixture('interactions-only.cfg').retrainingRate.expression, 'cron(30 2 * * ? *)');
});

test('the definition of the interactions-only fixture matches its snapshot (UPDATE_SNAPSHOTS=1 rewrites it)', async () => {
  const file = repo('test', 'pipeline', 'definition', '__snapshots__', 'interactions-only.json');
  const actual = buildDefinition(fromFixture('interactions-only.cfg'), {
    pipelineName: 'outdoor-gear-batch',
  });
  if (process.env['UPDATE_SNAPSHOTS'] === '1' || !existsSync(file)) {
    // Written as Prettier formats it, so `npm run lint` stays clean; compared as JSON values.
    const prettier = await import('prettier');
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, await prettier.format(JSON.stringify(actual), { parser: 'json' }));
  }
  assert.deepEqual(actual, JSON.parse(readFileSync(file, 'utf8')));
});
