/** A column of a dataset as its Avro schema declares it: what the importer and trainers need to know. */
export interface SchemaField {
  readonly name: string;
  readonly type: 'string' | 'int' | 'long' | 'float' | 'double' | 'boolean';
  readonly nullable: boolean;
  /** `"categorical": true` on a string field: values are `|`-separated categories. */
  readonly categorical: boolean;
  /** `"textual": true` on a string field (item descriptions), up to 20,000 characters. */
  readonly textual: boolean;
}

interface AvroField {
  name: string;
  type: unknown;
  categorical?: boolean;
  textual?: boolean;
}

/**
 * Reads the fields of a schema already accepted by CreateSchema (see `schemaRules.ts`), so callers
 * can trust its shape.
 */
export function fieldsOf(schemaJson: string): SchemaField[] {
  const schema = JSON.parse(schemaJson) as { fields: AvroField[] };
  return schema.fields.map((field) => {
    const types = (Array.isArray(field.type) ? (field.type as unknown[]) : [field.type]).map(primitiveName);
    const nullable = types.includes('null');
    const type = types.find((t) => t !== 'null') as SchemaField['type'];
    return {
      name: field.name,
      type,
      nullable,
      categorical: field.categorical === true,
      textual: field.textual === true,
    };
  });
}

/** Avro also spells a primitive as `{"type": "string"}`; CreateSchema accepts both forms. */
function primitiveName(type: unknown): unknown {
  return typeof type === 'object' && type !== null && 'type' in type
    ? (type as { type: unknown }).type
    : type;
}
