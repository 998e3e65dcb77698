import type { SchemaField } from '../data/schemaFields.js';
import type { GroupDataset } from '../store/datasetGroupContents.js';
import {
  FilterExpressionError,
  type ConditionGroups,
  type FilterCondition,
  type FilterDataset,
  type ParsedFilter,
} from './filterExpression.js';

/** A condition whose field was found in the dataset group's schema, under the schema's own spelling. */
export interface ResolvedCondition extends FilterCondition {
  readonly numeric: boolean;
}

export type ResolvedGroups = readonly (readonly ResolvedCondition[])[];

export interface ResolvedClause {
  readonly action: 'INCLUDE' | 'EXCLUDE';
  readonly dataset: 'Items' | 'Interactions';
  readonly where: ResolvedGroups;
  readonly onlyIf?: ResolvedGroups;
}

export interface ResolvedFilter {
  readonly clauses: readonly ResolvedClause[];
}

const DATASET_TYPE: Record<FilterDataset, string> = {
  Items: 'ITEMS',
  Interactions: 'INTERACTIONS',
  CurrentUser: 'USERS',
};

const NUMERIC = new Set(['int', 'long', 'float', 'double']);

/**
 * Checks a parsed filter against the dataset group's schemas, as CreateFilter does: each dataset must
 * exist and hold the field; Interactions conditions are on EVENT_TYPE only; boolean and textual fields
 * cannot be filtered on; ranges need numeric fields; one clause's conditions stay on one dataset.
 */
export function resolveFilter(
  filter: ParsedFilter,
  datasets: ReadonlyMap<string, GroupDataset>,
  maxFields: number,
): ResolvedFilter {
  const used = new Set<string>();
  const resolve = (groups: ConditionGroups, first: FilterCondition): ResolvedGroups =>
    groups.map((group) =>
      group.map((condition) => {
        if (condition.dataset !== first.dataset) {
          throw new FilterExpressionError(
            condition.position,
            `conditions joined with AND or OR must use the dataset of the first condition (${first.dataset}); ` +
              `chain a second expression with '|' to filter on ${condition.dataset}`,
          );
        }
        const resolved = resolveCondition(condition, datasets);
        used.add(`${resolved.dataset}.${resolved.field}`);
        if (used.size > maxFields) {
          throw new FilterExpressionError(
            condition.position,
            `a filter may use at most ${maxFields} distinct dataset fields`,
          );
        }
        return resolved;
      }),
    );
  return {
    clauses: filter.clauses.map((clause) => {
      const first = clause.where[0]![0]!;
      const where = resolve(clause.where, first);
      const onlyIf = clause.onlyIf ? resolve(clause.onlyIf, clause.onlyIf[0]![0]!) : undefined;
      return {
        action: clause.action,
        dataset: first.dataset as ResolvedClause['dataset'],
        where,
        ...(onlyIf ? { onlyIf } : {}),
      };
    }),
  };
}

function resolveCondition(
  condition: FilterCondition,
  datasets: ReadonlyMap<string, GroupDataset>,
): ResolvedCondition {
  const at = condition.position;
  const type = DATASET_TYPE[condition.dataset];
  const dataset = datasets.get(type);
  if (!dataset) {
    throw new FilterExpressionError(
      at,
      `the dataset group has no ${type === 'USERS' ? 'Users' : condition.dataset} dataset; create it before filtering on it`,
    );
  }
  const field = dataset.fields.find((f) => f.name.toUpperCase() === condition.field.toUpperCase());
  if (!field) {
    throw new FilterExpressionError(
      at,
      `the ${type} dataset's schema has no field ${condition.field}; its fields are ${dataset.fields.map((f) => f.name).join(', ')}`,
    );
  }
  if (condition.dataset === 'Interactions' && field.name !== 'EVENT_TYPE') {
    throw new FilterExpressionError(at, 'Interactions conditions can only use EVENT_TYPE');
  }
  checkField(field, condition);
  return { ...condition, field: field.name, numeric: NUMERIC.has(field.type) };
}

function checkField(field: SchemaField, condition: FilterCondition): void {
  const at = condition.position;
  if (field.type === 'boolean') {
    throw new FilterExpressionError(
      at,
      `${field.name} is a boolean field, which filters cannot use; store "True"/"False" in a string field instead`,
    );
  }
  if (field.textual)
    throw new FilterExpressionError(at, `${field.name} is a textual field, which filters cannot use`);
  const numeric = NUMERIC.has(field.type);
  if (!numeric && ['<', '<=', '>', '>='].includes(condition.operator)) {
    throw new FilterExpressionError(
      at,
      `${condition.operator} needs a numeric field; ${field.name} is a string`,
    );
  }
  if (condition.operand.kind === 'values') {
    for (const value of condition.operand.values) {
      if (numeric !== (typeof value === 'number')) {
        throw new FilterExpressionError(
          at,
          numeric
            ? `${field.name} is numeric: compare it with numbers, not "${String(value)}"`
            : `${field.name} is a string field: quote its values ("${String(value)}")`,
        );
      }
    }
  }
}
