import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import '../../../src/shared/polyfills.js';
import { hashFields, withCorrectHashes } from '../../../src/pipeline/runner/hashingPassStates.js';

const definition = {
  StartAt: 'Each',
  States: {
    Each: {
      Type: 'Map',
      ItemsPath: '$.Texts',
      ItemProcessor: {
        ProcessorConfig: { Mode: 'INLINE' },
        StartAt: 'HashOne',
        States: {
          HashOne: {
            Type: 'Pass',
            Parameters: { 'Text.$': '$', 'Digest.$': "States.Hash($, 'SHA-256')" },
            End: true,
          },
        },
      },
      ResultPath: '$.Items',
      Next: 'HashAll',
    },
    HashAll: {
      Type: 'Pass',
      Parameters: { Kind: 'all', 'Digest.$': "States.Hash(States.JsonToString($.Items), 'MD5')" },
      End: true,
    },
  },
} as unknown as StateMachineDefinition;

test("the runner hashes long strings right where the interpreter's own States.Hash does not", async () => {
  const long = (last: string) => `${'x'.repeat(200)}${last}`;
  const texts = [long('a'), long('b')];
  assert.equal(
    await new StateMachine(definition)
      .run({ Texts: [long('a')] })
      .result.then((r) => (r as { Digest: string }).Digest),
    await new StateMachine(definition)
      .run({ Texts: [long('b')] })
      .result.then((r) => (r as { Digest: string }).Digest),
    'the interpreter defect this works around (remove the workaround once this fails)',
  );

  const { definition: runnable, hashed } = withCorrectHashes(definition);
  assert.deepEqual(
    [...hashed],
    [
      ['HashOne', { Digest: 'SHA-256' }],
      ['HashAll', { Digest: 'MD5' }],
    ],
  );
  const handlers = Object.fromEntries(
    [...hashed].map(([name, fields]) => [
      name,
      (input: unknown) => Promise.resolve(hashFields(name, fields, input) as never),
    ]),
  );
  const result = (await new StateMachine(runnable).run(
    { Texts: texts },
    { overrides: { taskResourceLocalHandlers: handlers } },
  ).result) as { Kind: string; Digest: string };
  const items = texts.map((text) => ({
    Text: text,
    Digest: createHash('sha256').update(text).digest('hex'),
  }));
  assert.deepEqual(result, {
    Kind: 'all',
    Digest: createHash('md5').update(JSON.stringify(items)).digest('hex'),
  });
});

test('a hashed string over 10,000 characters fails the state, as States.Hash does', () => {
  assert.throws(
    () => hashFields('HashAll', { Digest: 'MD5' }, { Digest: 'x'.repeat(10_001) }),
    /more than 10,000 characters/,
  );
});
