import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import pino from 'pino';
import { z } from 'zod';
import { SERVICE_ERROR_TYPES } from '../../../src/engine/api/errors.js';
import { CONTROL_PLANE_OPERATIONS } from '../../../src/engine/api/operations/index.js';
import { RUNTIME_OPERATIONS } from '../../../src/engine/serve/runtimeRoutes.js';
import { seededRandom } from '../../../src/shared/random.js';
import { startTestEngine } from '../../support/engine.js';
import { RECIPE, deployCampaign, importShop } from '../../support/shop.js';

/**
 * Random input for every operation the engine registers, control plane and runtime alike, shaped by
 * each operation's own schema and then bent: wrong types, deep nesting, huge strings and arrays,
 * odd keys. Whatever arrives, the engine must answer in the service's error shape, never with a 500.
 * New operations are covered as soon as they are in CONTROL_PLANE_OPERATIONS or RUNTIME_OPERATIONS.
 * The run is bounded in time; FUZZ_SEED replays one.
 */
const BUDGET_MS = 10_000;
const SEED = Number(process.env['FUZZ_SEED'] ?? 13);

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: JsonSchema | boolean;
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
};

interface Target {
  readonly name: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly schema: JsonSchema;
}

function targets(): Target[] {
  const jsonSchema = (input: z.ZodType) =>
    z.toJSONSchema(input, { unrepresentable: 'any', io: 'input' }) as JsonSchema;
  return [
    ...Object.entries(CONTROL_PLANE_OPERATIONS).map(([name, operation]) => ({
      name,
      path: '/',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': `AmazonPersonalize.${name}`,
      },
      schema: jsonSchema(operation.input as z.ZodType),
    })),
    ...Object.entries(RUNTIME_OPERATIONS).map(([name, operation]) => ({
      name,
      path: operation.path,
      headers: { 'content-type': 'application/json' },
      schema: jsonSchema(operation.input),
    })),
  ];
}

class Fuzzer {
  constructor(
    private readonly random: () => number,
    private readonly strings: string[],
  ) {}

  chance(p: number): boolean {
    return this.random() < p;
  }

  pick<T>(values: readonly T[]): T {
    return values[Math.floor(this.random() * values.length)] as T;
  }

  string(): string {
    const base = this.pick(this.strings);
    if (this.chance(0.04)) return base.repeat(1 + Math.floor(this.random() * 3000));
    if (this.chance(0.1)) return `${base}${this.pick(['\u0000', '\uD800', '日本', '../', '%00', ' '])}`;
    return base;
  }

  number(schema?: JsonSchema): number {
    const edges = [0, -1, 1, 2.5, 25, 100, 101, 500, 501, 1e308, -1e308, 2 ** 53, -(2 ** 31)];
    if (schema?.minimum !== undefined && this.chance(0.3)) return schema.minimum;
    if (schema?.maximum !== undefined && this.chance(0.3)) return Math.min(schema.maximum, 1e9);
    return this.pick(edges);
  }

  /** Any JSON value, possibly deep or wide. */
  anything(depth = 0): unknown {
    const kind = this.pick(['null', 'bool', 'number', 'string', 'array', 'object', 'deep', 'wide']);
    switch (kind) {
      case 'null':
        return null;
      case 'bool':
        return this.chance(0.5);
      case 'number':
        return this.number();
      case 'string':
        return this.string();
      case 'deep': {
        let value: unknown = this.string();
        const levels = 10 + Math.floor(this.random() * 800);
        for (let level = 0; level < levels; level++) value = this.chance(0.5) ? [value] : { a: value };
        return value;
      }
      case 'wide':
        return Array.from({ length: 500 + Math.floor(this.random() * 2000) }, () => this.string());
      default:
        if (depth > 3) return this.string();
        if (kind === 'array')
          return Array.from({ length: Math.floor(this.random() * 4) }, () => this.anything(depth + 1));
        return this.object(
          Array.from({ length: Math.floor(this.random() * 4) }, () =>
            this.pick(['__proto__', 'constructor', 'toString', 'k'.repeat(300), this.string().slice(0, 40)]),
          ).map((key) => [key, this.anything(depth + 1)]),
        );
    }
  }

  /** An object built without a prototype, so that keys like __proto__ are sent as plain keys. */
  object(entries: [string, unknown][]): Record<string, unknown> {
    const object = Object.create(null) as Record<string, unknown>;
    for (const [key, value] of entries) object[key] = value;
    return object;
  }

  /** A value of the schema's shape most of the time, anything else sometimes. */
  value(schema: JsonSchema, depth = 0): unknown {
    if (this.chance(0.12) || depth > 8) return this.anything(depth);
    const options = schema.anyOf ?? schema.oneOf;
    if (options) return this.value(this.pick(options), depth);
    if (schema.enum) return this.chance(0.8) ? this.pick(schema.enum) : this.string();
    if (schema.const !== undefined) return schema.const;
    const type = Array.isArray(schema.type) ? this.pick(schema.type) : schema.type;
    switch (type) {
      case 'string':
        return this.string();
      case 'integer':
      case 'number':
        return this.number(schema);
      case 'boolean':
        return this.chance(0.5);
      case 'null':
        return null;
      case 'array':
        return Array.from({ length: Math.floor(this.random() * 4) }, () =>
          this.value(schema.items ?? {}, depth + 1),
        );
      case 'object': {
        const entries: [string, unknown][] = [];
        for (const [key, property] of Object.entries(schema.properties ?? {})) {
          const required = schema.required?.includes(key) ?? false;
          if (this.chance(required ? 0.95 : 0.6)) entries.push([key, this.value(property, depth + 1)]);
        }
        if (typeof schema.additionalProperties === 'object' || this.chance(0.1)) {
          const extra = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : {};
          for (let n = Math.floor(this.random() * 3); n > 0; n--) {
            entries.push([this.string().slice(0, 300), this.value(extra, depth + 1)]);
          }
        }
        return this.object(entries);
      }
      default:
        return this.anything(depth);
    }
  }
}

/** Bodies that are not the operation's JSON at all. */
const RAW_BODIES = ['', 'null', '[]', '"text"', '42', '{', '{"a":1}}', '\u0000', '{"__proto__":{"x":1}}'];

test('no input any operation can receive is answered with a 500 (a bounded fuzz run)', async (t) => {
  const logged: string[] = [];
  const logger = pino(
    { level: 'error' },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        logged.push(chunk.toString());
        done();
      },
    }),
  );
  const { engine, personalize, dataRoot } = await startTestEngine(t, {
    logger,
    limits: { shutdownMs: 1000 },
  });
  const { datasetGroupArn, interactionsDatasetArn, shop } = await importShop(personalize, dataRoot);
  const campaignArn = await deployCampaign(personalize, datasetGroupArn, 'fuzzed', RECIPE.popularity);
  const listed = await fetch(engine.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'AmazonPersonalize.ListSolutions',
    },
    body: '{}',
  }).then((response) => response.json() as Promise<{ solutions: { solutionArn: string }[] }>);
  const strings = [
    datasetGroupArn,
    interactionsDatasetArn,
    campaignArn,
    ...listed.solutions.map((solution) => solution.solutionArn),
    shop.users[0]?.id ?? 'u1',
    shop.items[0]?.id ?? 'i1',
    's3://shop-bucket/shop-interactions.csv',
    's3://shop-bucket/',
    'arn:aws:personalize:::recipe/aws-popularity-count',
    'arn:aws:iam::000000000000:role/PersonalizeImport',
    'arn:aws:personalize:us-east-1:000000000000:dataset-group/nothing',
    'fuzz-name',
    'rate(7 days)',
    'FULL',
    'UPDATE',
    'Interactions',
    '',
    ' ',
    'a',
    '0.5',
    '-1',
    'NaN',
    '1e309',
    '{"type":"record","name":"x","fields":[]}',
  ];
  const fuzzer = new Fuzzer(seededRandom(SEED), strings);
  const all = targets();
  assert.ok(all.length >= 33, 'every registered operation is fuzzed');

  const failures: string[] = [];
  const send = async (target: Target, body: string) => {
    const response = await fetch(`${engine.url}${target.path}`, {
      method: 'POST',
      headers: target.headers,
      body,
    });
    const text = await response.text();
    let type: unknown;
    try {
      type = response.ok ? undefined : (JSON.parse(text) as { __type?: unknown }).__type;
    } catch {
      type = `unparsable: ${text.slice(0, 80)}`;
    }
    const wellFormed = response.ok || (SERVICE_ERROR_TYPES as readonly unknown[]).includes(type);
    if (response.status >= 500 || !wellFormed) {
      failures.push(`${target.name} → ${response.status} ${String(type)} for ${body.slice(0, 300)}`);
    }
  };

  const deadline = Date.now() + BUDGET_MS;
  let requests = 0;
  for (let round = 0; round === 0 || Date.now() < deadline; round++) {
    for (const target of all) {
      if (round === 0) for (const raw of RAW_BODIES) await send(target, raw);
      await send(target, JSON.stringify(fuzzer.value(target.schema)));
      requests++;
    }
  }
  t.diagnostic(`${requests} fuzzed requests over ${all.length} operations (FUZZ_SEED=${SEED})`);
  assert.deepEqual(failures.slice(0, 10), [], `FUZZ_SEED=${SEED}`);
  assert.deepEqual(
    logged.filter((line) => line.includes('unexpected engine error')),
    [],
    'no unexpected error was logged',
  );
});
