import avro from 'avsc';
import type { Type } from 'avsc';
import { InvalidInputException } from '../api/errors.js';
import { SERVICE_QUOTAS } from '../api/quotas.js';
import type { SchemaField } from './schemaFields.js';
import { echo } from '../../shared/echo.js';

/**
 * Personalize's rules for dataset schemas. CreateSchema cannot know which dataset a schema is for,
 * so, as in the service, `checkSchema` applies the rules every schema obeys and
 * `checkSchemaForDatasetType` (CreateDataset) the rules of one dataset type.
 */

export const DATASET_TYPES = ['INTERACTIONS', 'ITEMS', 'USERS', 'ACTIONS', 'ACTION_INTERACTIONS'] as const;
export type DatasetType = (typeof DATASET_TYPES)[number];

/** How the service's docs name each type; used in messages. */
const DATASET_TYPE_LABELS: Record<DatasetType, string> = {
  INTERACTIONS: 'Interactions',
  ITEMS: 'Items',
  USERS: 'Users',
  ACTIONS: 'Actions',
  ACTION_INTERACTIONS: 'Action_Interactions',
};

/** The service accepts the type in any case (`Interactions`, `INTERACTIONS`, …). */
export function parseDatasetType(value: string): DatasetType {
  const upper = value.toUpperCase();
  const type = DATASET_TYPES.find((candidate) => candidate === upper);
  if (!type) {
    throw new InvalidInputException(
      `Invalid datasetType '${echo(value)}': use one of ${Object.values(DATASET_TYPE_LABELS).join(', ')} (case-insensitive).`,
    );
  }
  return type;
}

export function datasetTypeLabel(type: DatasetType): string {
  return DATASET_TYPE_LABELS[type];
}

type FieldType = SchemaField['type'];
const ALLOWED_TYPES: readonly FieldType[] = ['string', 'int', 'long', 'float', 'double', 'boolean'];
const ALLOWED_TYPES_TEXT = `${ALLOWED_TYPES.join(', ')}, or a union of one of them with "null"`;

/** Parses a schema's Avro JSON and checks the rules that hold whatever the dataset type. */
export function checkSchema(schemaJson: string): SchemaField[] {
  let document: unknown;
  try {
    document = JSON.parse(schemaJson);
  } catch (error) {
    throw invalidSchema(
      `it is not valid JSON (${(error as Error).message}). Pass the Avro schema as a JSON string.`,
    );
  }
  if (!isObject(document) || document['type'] !== 'record') {
    throw invalidSchema('the top-level type must be "record", with a "name" and a "fields" array.');
  }
  const rawFields = document['fields'];
  if (!Array.isArray(rawFields) || rawFields.length === 0) {
    throw invalidSchema('"fields" must be a non-empty array of {"name": …, "type": …} objects.');
  }
  rejectUnknownTypeNames(rawFields);
  let record: Type;
  try {
    record = avro.Type.forSchema(document as Parameters<typeof avro.Type.forSchema>[0]);
  } catch (error) {
    throw invalidSchema(`it is not a valid Avro schema: ${(error as Error).message}.`);
  }
  const avroFields = (record as avro.types.RecordType).fields;
  const fields = avroFields.map((field, index) =>
    toSchemaField(field, rawFields[index] as Record<string, unknown>),
  );
  rejectLookalikeNames(fields);
  return fields;
}

function toSchemaField(field: avro.types.Field, raw: Record<string, unknown>): SchemaField {
  const branches = field.type.typeName.startsWith('union')
    ? (field.type as avro.types.UnwrappedUnionType).types.map((branch) => branch.typeName)
    : [field.type.typeName];
  const nonNull = branches.filter((branch) => branch !== 'null');
  const nullable = nonNull.length < branches.length;
  const type = nonNull[0] as FieldType | undefined;
  if (nonNull.length !== 1 || !type || !ALLOWED_TYPES.includes(type)) {
    throw invalidSchema(
      `field '${field.name}' has type ${JSON.stringify(raw['type'])}; Personalize allows ${ALLOWED_TYPES_TEXT} ` +
        `(e.g. ["null", "string"] for an optional string). Nested records, arrays, maps, enums and bytes are not supported.`,
    );
  }
  const categorical = flag(raw, 'categorical', field.name);
  const textual = flag(raw, 'textual', field.name);
  if ((categorical || textual) && type !== 'string') {
    throw invalidSchema(
      `field '${field.name}' is ${categorical ? 'categorical' : 'textual'} but has type '${type}'; ` +
        `only string fields can be ${categorical ? 'categorical' : 'textual'}. Change its type to "string" or remove the attribute.`,
    );
  }
  if (categorical && textual) {
    throw invalidSchema(
      `field '${field.name}' is both categorical and textual; choose one (textual is for free text such as descriptions).`,
    );
  }
  return { name: field.name, type, nullable, categorical, textual };
}

const AVRO_PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);

/** avsc would read `"type": "text"` as a reference to a named type; say plainly what is wrong instead. */
function rejectUnknownTypeNames(rawFields: readonly unknown[]): void {
  for (const raw of rawFields) {
    if (!isObject(raw)) continue;
    const branches = Array.isArray(raw['type']) ? (raw['type'] as unknown[]) : [raw['type']];
    const unknown = branches.find((branch) => typeof branch === 'string' && !AVRO_PRIMITIVES.has(branch));
    if (typeof unknown === 'string') {
      throw invalidSchema(
        `field '${String(raw['name'])}' has type "${unknown}", which is not an Avro type; Personalize allows ${ALLOWED_TYPES_TEXT}.`,
      );
    }
  }
}

function flag(
  raw: Record<string, unknown>,
  attribute: 'categorical' | 'textual',
  fieldName: string,
): boolean {
  const value = raw[attribute];
  if (value === undefined) return false;
  if (typeof value !== 'boolean') {
    throw invalidSchema(
      `field '${fieldName}' has "${attribute}": ${JSON.stringify(value)}; use true or false.`,
    );
  }
  return value;
}

/** The service compares names by their letters and digits only: `GENRES_1` and `GENRES1` clash. */
function rejectLookalikeNames(fields: readonly SchemaField[]): void {
  const seen = new Map<string, string>();
  for (const field of fields) {
    const key = field.name.replace(/[^A-Za-z0-9]/g, '').toUpperCase();
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      throw invalidSchema(
        `fields '${earlier}' and '${field.name}' differ only in case or underscores; field names must be unique ` +
          'once reduced to their letters and digits. Rename one of them.',
      );
    }
    seen.set(key, field.name);
  }
}

/** A required or reserved field of a dataset type, with the one type it must have. */
interface KnownField {
  readonly name: string;
  readonly type: FieldType;
  /** Whether `["null", type]` is accepted. Required fields never are. */
  readonly nullable: boolean;
}

interface DatasetTypeRules {
  readonly required: readonly KnownField[];
  readonly reserved: readonly KnownField[];
  readonly minMetadata: number;
  /** Undefined where the service documents no quota. */
  readonly maxMetadata?: number;
  readonly maxTextual: number;
}

const required = (name: string, type: FieldType): KnownField => ({ name, type, nullable: false });
const reserved = (name: string, type: FieldType, nullable = true): KnownField => ({ name, type, nullable });

/** From the service's "Custom datasets and schemas" page and its quotas. */
const RULES: Record<DatasetType, DatasetTypeRules> = {
  INTERACTIONS: {
    required: [required('USER_ID', 'string'), required('ITEM_ID', 'string'), required('TIMESTAMP', 'long')],
    reserved: [
      reserved('EVENT_TYPE', 'string', false),
      reserved('EVENT_VALUE', 'float'),
      reserved('IMPRESSION', 'string'),
      reserved('RECOMMENDATION_ID', 'string'),
      reserved('EVENT_ATTRIBUTION_SOURCE', 'string'),
    ],
    minMetadata: 0,
    maxMetadata: SERVICE_QUOTAS.interactionsMetadataFields,
    maxTextual: 0,
  },
  USERS: {
    required: [required('USER_ID', 'string')],
    reserved: [],
    minMetadata: 1,
    maxMetadata: SERVICE_QUOTAS.usersMetadataFields,
    maxTextual: 0,
  },
  ITEMS: {
    required: [required('ITEM_ID', 'string')],
    reserved: [reserved('CREATION_TIMESTAMP', 'long', false)],
    minMetadata: 1,
    maxMetadata: SERVICE_QUOTAS.itemsMetadataFields,
    maxTextual: SERVICE_QUOTAS.itemsTextualFields,
  },
  ACTIONS: {
    required: [required('ACTION_ID', 'string')],
    reserved: [
      reserved('CREATION_TIMESTAMP', 'long', false),
      reserved('VALUE', 'long'),
      reserved('TYPE', 'string'),
      reserved('EXPIRATION_TIMESTAMP', 'long'),
      reserved('REPEAT_FREQUENCY', 'long'),
    ],
    minMetadata: 1,
    maxTextual: 0,
  },
  ACTION_INTERACTIONS: {
    required: [
      required('USER_ID', 'string'),
      required('ACTION_ID', 'string'),
      required('EVENT_TYPE', 'string'),
      required('TIMESTAMP', 'long'),
    ],
    reserved: [reserved('IMPRESSION', 'string'), reserved('RECOMMENDATION_ID', 'string')],
    minMetadata: 0,
    maxTextual: 0,
  },
};

/** Checks an accepted schema against the rules of one dataset type (CreateDataset). */
export function checkSchemaForDatasetType(fields: readonly SchemaField[], type: DatasetType): void {
  const rules = RULES[type];
  const label = DATASET_TYPE_LABELS[type];
  const byName = new Map(fields.map((field) => [field.name, field]));
  for (const known of rules.required) {
    const field = byName.get(known.name);
    if (!field) {
      throw unfitSchema(
        label,
        `the required field '${known.name}' is missing. Add {"name": "${known.name}", "type": "${known.type}"}.`,
      );
    }
    checkKnownField(field, known, label, 'required');
  }
  for (const known of rules.reserved) {
    const field = byName.get(known.name);
    if (field) checkKnownField(field, known, label, 'reserved');
  }
  const knownNames = new Set([...rules.required, ...rules.reserved].map((known) => known.name));
  const metadata = fields.filter((field) => !knownNames.has(field.name));
  if (metadata.length < rules.minMetadata) {
    throw unfitSchema(
      label,
      `it has no metadata field besides ${[...knownNames].filter((name) => byName.has(name)).join(', ')}; ` +
        `${withArticle(label)} dataset needs at least ${rules.minMetadata} (a categorical string or a numerical field).`,
    );
  }
  if (rules.maxMetadata !== undefined && metadata.length > rules.maxMetadata) {
    throw unfitSchema(
      label,
      `it has ${metadata.length} metadata fields (${metadata.map((field) => field.name).join(', ')}); ` +
        `${withArticle(label)} dataset allows at most ${rules.maxMetadata}. Remove some of them.`,
    );
  }
  const textual = fields.filter((field) => field.textual);
  if (textual.length > rules.maxTextual) {
    throw unfitSchema(
      label,
      rules.maxTextual === 0
        ? `field '${textual[0]?.name}' is textual, but only Items datasets support textual fields. Remove "textual" or make it categorical.`
        : `it has ${textual.length} textual fields (${textual.map((field) => field.name).join(', ')}); ` +
            `${withArticle(label)} dataset allows at most ${rules.maxTextual}.`,
    );
  }
}

function checkKnownField(
  field: SchemaField,
  known: KnownField,
  label: string,
  kind: 'required' | 'reserved',
): void {
  const wanted = known.nullable ? `"${known.type}" or ["null", "${known.type}"]` : `"${known.type}"`;
  if (field.type !== known.type || (field.nullable && !known.nullable)) {
    const actual = field.nullable ? `["null", "${field.type}"]` : `"${field.type}"`;
    throw unfitSchema(
      label,
      `the ${kind} field '${field.name}' has type ${actual}; it must be ${wanted}` +
        `${!known.nullable && field.nullable ? ' (it cannot be nullable)' : ''}.`,
    );
  }
  if (field.categorical || field.textual) {
    throw unfitSchema(
      label,
      `the ${kind} field '${field.name}' cannot be ${field.categorical ? 'categorical' : 'textual'}; remove that attribute.`,
    );
  }
}

function invalidSchema(detail: string): InvalidInputException {
  return new InvalidInputException(`Invalid schema: ${detail}`);
}

function unfitSchema(label: string, detail: string): InvalidInputException {
  return new InvalidInputException(`The schema is not valid for ${withArticle(label)} dataset: ${detail}`);
}

export function withArticle(label: string): string {
  return `${/^[AEIO]/i.test(label) ? 'an' : 'a'} ${label}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
