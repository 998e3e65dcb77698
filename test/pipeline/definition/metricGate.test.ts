import '../../../src/shared/polyfills.js';
import { StateMachine } from 'aws-local-stepfunctions';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PipelineConfig } from '../../../src/config/pipelineConfig.js';
import { GATE_REJECTIONS, gridStep } from '../../../src/pipeline/definition/gateStates.js';
import { buildDefinition } from '../../../src/pipeline/definition/index.js';
import { seededRandom } from '../../../src/shared/random.js';
import { configWith } from '../../support/pipelineConfigs.js';

const NDCG = 'normalized_discounted_cumulative_gain_at_10';
type Scores = Partial<Record<string, number>>;

/**
 * Only the MetricGate state, run by the interpreter the local runner uses, with its two exits
 * replaced by terminal states: what reaches the rejection path is "reject", anything else "deploy".
 */
function gateOf(config: PipelineConfig): (input: object) => Promise<'deploy' | 'reject'> {
  const gate = buildDefinition(config).States['MetricGate'];
  assert.ok(gate, 'the definition has a MetricGate');
  const exits = gate.Type === 'Choice' ? [gate.Default, ...gate.Choices.map((rule) => rule.Next)] : [];
  if (gate.Type === 'Pass') exits.push(gate.Next ?? '');
  const states = Object.fromEntries(
    [...new Set(exits)].map((name) => [
      name,
      GATE_REJECTIONS.includes(name ?? '') ? { Type: 'Fail', Error: 'Rejected' } : { Type: 'Succeed' },
    ]),
  );
  const machine = new StateMachine({
    StartAt: 'MetricGate',
    States: { MetricGate: gate, ...states },
  } as never);
  return async (input) => {
    try {
      await machine.run(input as never).result;
      return 'deploy';
    } catch {
      return 'reject';
    }
  };
}

/** The gate's input as GetSolutionMetrics results: undefined leaves the whole result out. */
function scores(served: Scores | undefined, fresh: Scores | undefined): object {
  return {
    ...(fresh === undefined ? {} : { NewMetrics: { Metrics: fresh } }),
    ...(served === undefined ? {} : { ServedMetrics: { Metrics: served } }),
  };
}
const ndcg = (served: number | undefined, fresh: number | undefined) =>
  scores(
    served === undefined ? undefined : { [NDCG]: served },
    fresh === undefined ? undefined : { [NDCG]: fresh },
  );

describe('the metric gate with a campaign', () => {
  test('a drop of exactly the tolerance passes; a drop just beyond it is rejected', async () => {
    const gate = gateOf(configWith({ GateTolerance: '0.01' }));
    assert.equal(await gate(ndcg(0.3, 0.29)), 'deploy');
    assert.equal(await gate(ndcg(0.3, 0.2899)), 'reject');
    assert.equal(await gate(ndcg(0.5, 0.4901)), 'deploy');
    assert.equal(await gate(ndcg(0.5, 0.4899)), 'reject');
  });

  test('the grid holds at the ends of the scale: a perfect served score and a zero one', async () => {
    const gate = gateOf(configWith({ GateTolerance: '0.01' }));
    assert.equal(await gate(ndcg(1, 0.99)), 'deploy');
    assert.equal(await gate(ndcg(1, 0.98)), 'reject');
    assert.equal(await gate(ndcg(0, 0)), 'deploy');
  });

  for (const tolerance of [0.05, 0.001]) {
    test(`with tolerance ${tolerance}, never looser than the tolerance, never stricter than tolerance 0 plus one grid step`, async () => {
      const gate = gateOf(configWith({ GateTolerance: String(tolerance) }));
      const step = gridStep(tolerance);
      const random = seededRandom(tolerance === 0.05 ? 7 : 8);
      let deployed = 0;
      for (let n = 0; n < 120; n++) {
        const served = random();
        const fresh = Math.max(0, served - tolerance * 2 + random() * tolerance * 3);
        const verdict = await gate(ndcg(served, fresh));
        if (fresh >= served) assert.equal(verdict, 'deploy', `${fresh} is not worse than ${served}`);
        if (fresh < served - tolerance - 1e-9) assert.equal(verdict, 'reject', `${fresh} against ${served}`);
        if (fresh >= served - tolerance + step + 1e-9)
          assert.equal(
            verdict,
            'deploy',
            `${fresh} against ${served} is within the tolerance by a grid step`,
          );
        if (verdict === 'deploy') deployed++;
      }
      assert.ok(deployed > 20 && deployed < 100, `the samples hit both sides (${deployed} deployed)`);
    });
  }

  test('compares the configured GateMetric and no other', async () => {
    const betterPrecisionWorseNdcg = scores(
      { [NDCG]: 0.4, precision_at_5: 0.1 },
      { [NDCG]: 0.3, precision_at_5: 0.2 },
    );
    assert.equal(await gateOf(configWith())(betterPrecisionWorseNdcg), 'reject');
    assert.equal(
      await gateOf(configWith({ GateMetric: 'precision_at_5' }))(betterPrecisionWorseNdcg),
      'deploy',
    );
  });

  test('without both scores there is nothing to compare: the version goes through', async () => {
    const gate = gateOf(configWith());
    assert.equal(await gate(ndcg(0.3, undefined)), 'deploy', 'the new version has no such metric');
    assert.equal(await gate(ndcg(undefined, 0.1)), 'deploy', 'the served version could not be read');
    assert.equal(await gate(scores({ coverage: 0.5 }, { [NDCG]: 0.1 })), 'deploy', 'the served one lacks it');
  });

  test('GateMinimum rejects a low score even against a worse served version, and even with nothing to compare', async () => {
    const gate = gateOf(configWith({ GateMinimum: '0.2', GateTolerance: '0.05' }));
    assert.equal(await gate(ndcg(0.1, 0.15)), 'reject');
    assert.equal(await gate(ndcg(undefined, 0.15)), 'reject');
    assert.equal(await gate(ndcg(0.1, 0.2)), 'deploy');
    assert.equal(await gate(ndcg(0.3, 0.2)), 'reject', 'above the minimum but beyond the tolerance');
  });
});

describe('the metric gate without a campaign', () => {
  const noCampaign = { CampaignArn: undefined };

  test('is a pass-through when no GateMinimum is set: there is no served version to compare with', () => {
    const definition = buildDefinition(configWith(noCampaign));
    assert.equal(definition.States['MetricGate']?.Type, 'Pass');
    assert.equal(
      definition.States['SummarizeRejection'],
      undefined,
      'no rejection path that nothing reaches',
    );
  });

  test('applies GateMinimum alone', async () => {
    const gate = gateOf(configWith({ ...noCampaign, GateMinimum: '0.1' }));
    assert.equal(await gate(ndcg(undefined, 0.09)), 'reject');
    assert.equal(await gate(ndcg(undefined, 0.1)), 'deploy');
    assert.equal(await gate(ndcg(undefined, undefined)), 'deploy', 'a metric the service did not compute');
  });
});

describe('a rejection says which rule rejected, with the numbers', () => {
  /** Runs MetricGate and the rejecting Pass states; returns what the rejection path receives as `$.Gate`. */
  async function rejectionOf(config: PipelineConfig, input: object): Promise<unknown> {
    const full = buildDefinition(config).States;
    const states = Object.fromEntries(
      ['MetricGate', ...GATE_REJECTIONS].flatMap((name) => (full[name] ? [[name, full[name]]] : [])),
    );
    const machine = new StateMachine({
      StartAt: 'MetricGate',
      States: { ...states, SummarizeRejection: { Type: 'Succeed' }, UpdateCampaign: { Type: 'Succeed' } },
    } as never);
    return ((await machine.run(input as never).result) as { Gate?: unknown }).Gate;
  }

  test('the minimum', async () => {
    assert.deepEqual(await rejectionOf(configWith({ GateMinimum: '0.2' }), ndcg(0.1, 0.15)), {
      Rule: 'minimum',
      Reason: `${NDCG} of the new version is 0.15, below GateMinimum 0.2; the campaign keeps its version.`,
    });
  });

  test('the tolerance', async () => {
    assert.deepEqual(await rejectionOf(configWith({ GateTolerance: '0.01' }), ndcg(0.3, 0.28)), {
      Rule: 'tolerance',
      Reason: `${NDCG} of the new version is 0.28, more than GateTolerance 0.01 below the served version (0.3); the campaign keeps its version.`,
    });
  });

  test('a plain regression (tolerance 0)', async () => {
    assert.deepEqual(await rejectionOf(configWith({ GateTolerance: '0' }), ndcg(0.3, 0.29)), {
      Rule: 'regression',
      Reason: `${NDCG} of the new version is 0.29, below the served version (0.3); the campaign keeps its version.`,
    });
  });
});
