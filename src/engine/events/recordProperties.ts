import { InvalidInputException } from '../api/errors.js';
import type { SchemaField } from '../data/schemaFields.js';
import { fieldKey } from '../filter/attributeTable.js';

/**
 * Checks the `properties` JSON string of an event, item or user against the dataset's schema, as the
 * service does: a JSON object whose camelCase keys name schema fields (`numberOfRatings` for
 * NUMBER_OF_RATINGS), values of the field's type, every non-nullable field present. Fields the call
 * carries in its own members (`covered`, e.g. USER_ID, ITEM_ID) are not expected in it.
 */
export function checkProperties(
  where: string,
  json: string | undefined,
  fields: readonly SchemaField[],
  covered: readonly string[],
): Record<string, unknown> | null {
  let properties: Record<string, unknown> = {};
  if (json !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch {
      throw new InvalidInputException(
        `${where}.properties is not valid JSON: give a JSON object as a string.`,
      );
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new InvalidInputException(`${where}.properties must be a JSON object, e.g. {"genre": "Comedy"}.`);
    properties = parsed as Record<string, unknown>;
  }
  const open = fields.filter((f) => !covered.includes(f.name));
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(properties)) {
    const field = open.find((f) => fieldKey(f.name) === fieldKey(key));
    if (!field) {
      throw new InvalidInputException(
        `${where}.properties has '${key}', which is not a field of the dataset's schema; ` +
          `allowed: ${open.map((f) => camelCase(f.name)).join(', ') || 'none'}.`,
      );
    }
    out[field.name] = checkValue(`${where}.properties.${key}`, value, field);
  }
  for (const field of open) {
    if (!field.nullable && out[field.name] == null) {
      throw new InvalidInputException(
        `${where}.properties lacks '${camelCase(field.name)}': the schema's field ${field.name} is not nullable.`,
      );
    }
  }
  return Object.keys(out).length > 0 ? out : null;
}

function checkValue(where: string, value: unknown, field: SchemaField): unknown {
  if (value === null) return null;
  if (field.type === 'string') {
    if (typeof value === 'string') return value;
  } else if (field.type === 'boolean') {
    if (typeof value === 'boolean') return value;
  } else {
    const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    if (typeof number === 'number' && Number.isFinite(number)) {
      if ((field.type === 'int' || field.type === 'long') && !Number.isInteger(number))
        throw new InvalidInputException(`${where} must be an integer (${field.name} is ${field.type}).`);
      return number;
    }
  }
  throw new InvalidInputException(
    `${where} must be a ${field.type} (${field.name}), got ${JSON.stringify(value)}.`,
  );
}

/** NUMBER_OF_RATINGS → numberOfRatings, the service's spelling of fields in `properties`. */
export function camelCase(name: string): string {
  return name.toLowerCase().replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}
