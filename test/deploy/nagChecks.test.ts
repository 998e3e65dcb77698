import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { test } from 'node:test';
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import { nagFindings } from '../../src/deploy/nagChecks.js';
import { NagFindingsError, synthesizePipeline } from '../../src/deploy/pipelineSynthesis.js';
import { makeTempDir } from '../support/engine.js';
import { config, synthesize } from './support.js';

test('the pipeline stack passes the AWS Solutions rules: no unacknowledged error or warning', () => {
  const batch = {
    BatchInferenceInputPath: 's3://shop-exports/batch/users.json',
    BatchInferenceOutputPath: 's3://shop-exports/recs/',
  };
  for (const overrides of [
    { NotificationEmail: 'ml-team@example.com' },
    { CampaignArn: '' },
    { CampaignArn: '', ...batch },
    { CampaignArn: '', ...batch, SkipUnchangedData: 'true' },
  ]) {
    const { app } = synthesize(config(overrides));
    assert.deepEqual(nagFindings(app), []);
  }
});

test('a topic without TLS enforcement is a finding (the rules do run)', () => {
  const app = new App();
  new sns.Topic(new Stack(app, 'NonCompliant'), 'Topic');
  assert.deepEqual(
    nagFindings(app).map((finding) => [finding.rule, finding.severity, finding.paths]),
    [['AwsSolutions-SNS3', 'error', ['NonCompliant/Topic/Resource']]],
  );
});

test('a new wildcard on the state machine role is a finding: acknowledgments name exact resources', () => {
  const { app, stack } = synthesize(config());
  stack.pipeline.stateMachine.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['personalize:DescribeDataset'],
      resources: ['arn:aws:personalize:*:*:dataset/*'],
    }),
  );
  assert.deepEqual(
    nagFindings(app).map((finding) => finding.rule),
    ['AwsSolutions-IAM5[Resource::arn:aws:personalize:*:*:dataset/*]'],
  );
});

test('every acknowledgment carries a written reason', () => {
  const { stack } = synthesize(config());
  const acknowledgments = stack.pipeline.node
    .findAll()
    .flatMap((construct) => construct.node.metadata)
    .filter((entry) => entry.type === 'aws:cdk:acknowledged-rules')
    .flatMap((entry) => Object.entries(entry.data as Record<string, string | { reason?: string }>));
  assert.ok(acknowledgments.length >= 3);
  for (const [id, value] of acknowledgments) {
    const reason = typeof value === 'string' ? value : (value.reason ?? '');
    assert.ok(reason.length > 40, `${id} has a reason`);
  }
});

test('synth writes the template when the rules pass; a finding is reported with its path and exit status 2', (t) => {
  const outdir = makeTempDir('pr-nag-');
  t.after(() => rmSync(outdir, { recursive: true, force: true }));
  const result = synthesizePipeline({ config: config(), stackName: 'ok-stack', outdir });
  assert.match(result.templateFile, /ok-stack\.template\.json$/);
  const error = new NagFindingsError([
    { rule: 'AwsSolutions-SNS3', severity: 'error', description: 'TLS.', paths: ['s/Topic/Resource'] },
  ]);
  assert.equal(error.exitCode, 2);
  assert.match(
    error.message,
    /1 problem in the stack:\n {2}error AwsSolutions-SNS3 at s\/Topic\/Resource: TLS\./,
  );
});
