import { NormalizedSchema } from '@smithy/core/schema';

/**
 * Step Functions' AWS SDK integrations speak PascalCase while the Personalize API model names its
 * members in camelCase. Step Functions converts with the service model in hand: only structure
 * members are renamed; the keys of map-typed members (`algorithmHyperParameters`, `metrics`, …) are
 * user data and pass through untouched. We walk the official SDK's own schema to do the same.
 */
export type ShapeSchema = Parameters<typeof NormalizedSchema.of>[0];

/** A parameter the operation does not accept, or a value of the wrong kind; found before the call. */
export class InvalidTaskParametersError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export function pascalCase(memberName: string): string {
  return memberName.charAt(0).toUpperCase() + memberName.slice(1);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** PascalCase task parameters → the SDK command's input. Unknown members are an error, as on AWS. */
export function toSdkInput(schema: ShapeSchema, parameters: unknown, where = 'Parameters'): unknown {
  return convertIn(NormalizedSchema.of(schema), parameters, where);
}

/** SDK command output → PascalCase task result; timestamps become ISO 8601 strings, `$metadata` is dropped. */
export function fromSdkOutput(schema: ShapeSchema, output: unknown): unknown {
  return convertOut(NormalizedSchema.of(schema), output);
}

/** The PascalCase member names a structure accepts, for messages and static checks. */
export function memberNames(schema: ShapeSchema): string[] {
  const ns = NormalizedSchema.of(schema);
  return ns.isStructSchema() ? [...ns.structIterator()].map(([name]) => pascalCase(name)) : [];
}

/** The schema of a structure member given its PascalCase name, or undefined when there is none. */
export function memberSchema(schema: ShapeSchema, pascalName: string): NormalizedSchema | undefined {
  const ns = NormalizedSchema.of(schema);
  if (!ns.isStructSchema()) return undefined;
  for (const [name, member] of ns.structIterator()) if (pascalCase(name) === pascalName) return member;
  return undefined;
}

function convertIn(schema: NormalizedSchema, value: unknown, path: string): unknown {
  if (value === null || value === undefined) return value;
  if (schema.isStructSchema()) {
    if (!isPlainObject(value))
      throw new InvalidTaskParametersError(path, `${path} must be an object, got ${JSON.stringify(value)}.`);
    const members = new Map<string, [string, NormalizedSchema]>();
    for (const [name, member] of schema.structIterator()) members.set(pascalCase(name), [name, member]);
    const result: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      const found = members.get(key);
      if (!found) {
        throw new InvalidTaskParametersError(
          `${path}.${key}`,
          `${path}.${key} is not a member of ${schema.getName() ?? 'this structure'}; ` +
            `accepted members are ${[...members.keys()].join(', ') || '(none)'}. ` +
            'Step Functions expects the API member names in PascalCase.',
        );
      }
      const [name, member] = found;
      result[name] = convertIn(member, inner, `${path}.${key}`);
    }
    return result;
  }
  if (schema.isListSchema()) {
    if (!Array.isArray(value))
      throw new InvalidTaskParametersError(path, `${path} must be a list, got ${JSON.stringify(value)}.`);
    const item = schema.getValueSchema();
    return value.map((entry, index) => convertIn(item, entry, `${path}[${index}]`));
  }
  if (schema.isMapSchema()) {
    if (!isPlainObject(value))
      throw new InvalidTaskParametersError(
        path,
        `${path} must be a map (a JSON object), got ${JSON.stringify(value)}.`,
      );
    const item = schema.getValueSchema();
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [key, convertIn(item, inner, `${path}.${key}`)]),
    );
  }
  if (schema.isTimestampSchema() && (typeof value === 'string' || typeof value === 'number')) {
    const date = new Date(typeof value === 'number' ? value * 1000 : value);
    if (Number.isNaN(date.getTime()))
      throw new InvalidTaskParametersError(
        path,
        `${path} must be an ISO 8601 timestamp, got ${JSON.stringify(value)}.`,
      );
    return date;
  }
  return value;
}

function convertOut(schema: NormalizedSchema, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  if (value instanceof Date) return value.toISOString();
  if (schema.isStructSchema() && isPlainObject(value)) {
    const result: Record<string, unknown> = {};
    for (const [name, member] of schema.structIterator()) {
      const inner = value[name];
      if (inner !== undefined) result[pascalCase(name)] = convertOut(member, inner);
    }
    return result;
  }
  if (schema.isListSchema() && Array.isArray(value)) {
    const item = schema.getValueSchema();
    return value.map((entry) => convertOut(item, entry));
  }
  if (schema.isMapSchema() && isPlainObject(value)) {
    const item = schema.getValueSchema();
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, convertOut(item, inner)]));
  }
  return value;
}
