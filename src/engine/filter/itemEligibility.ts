import { InvalidInputException } from '../api/errors.js';
import { SERVICE_QUOTAS } from '../api/quotas.js';
import type { EngineContext } from '../context.js';
import type { FilterRecord } from '../store/filterRecords.js';
import { recentEventsOfUser } from '../store/recordedDataRecords.js';
import { ItemSet } from '../train/itemSet.js';
import type { AttributeColumn, AttributeTable } from './attributeTable.js';
import { parseFilterExpression, type FilterValue } from './filterExpression.js';
import {
  resolveFilter,
  type ResolvedCondition,
  type ResolvedFilter,
  type ResolvedGroups,
} from './filterValidation.js';
import { newestPerType, type FilterInteraction, type GroupData } from './groupData.js';

/** What filters read: the engine's database and its per-group data (a batch worker has its own of both). */
export type FilterSources = Pick<EngineContext, 'db' | 'groupData'>;

/** What one request asks of a filter: the service's `filterValues`, and whose recommendations these are. */
export interface FilterRequest {
  readonly filter: FilterRecord;
  readonly filterValues?: Readonly<Record<string, string>> | undefined;
  /** The user the items are for; interactions and CurrentUser conditions need one. */
  readonly userId?: string | undefined;
}

type BoundCondition = ResolvedCondition & { readonly values: readonly FilterValue[] };
type BoundGroups = readonly (readonly BoundCondition[])[];

/** User-independent verdicts kept per data snapshot and model: a bounded number of value combinations. */
const MAX_KEPT_VERDICTS = 256;

/**
 * Which of `itemIds` a filter lets through for one request. Clauses joined with `|` apply one after
 * the other (INCLUDE keeps only matching items, EXCLUDE removes them). A placeholder left out of
 * `filterValues` drops its condition from an EXCLUDE clause (a clause left with none is skipped) and
 * is an error in an INCLUDE clause, as the service documents. Batch jobs and the runtime API both
 * call this.
 *
 * A filter of Items clauses alone gives every user the same verdict, so it is kept per data snapshot,
 * model and bound values, and the same set is returned to later requests: callers must not change it
 * (copy it first).
 */
export function eligibleItems(
  ctx: FilterSources,
  request: FilterRequest,
  itemIds: readonly string[],
  /** The filter's dataset group's data, when the caller already has it. */
  group: GroupData = ctx.groupData.get(request.filter.datasetGroupArn),
): ItemSet {
  const resolved = resolvedFilter(group, request.filter);
  const perUser = resolved.clauses.some((clause) => clause.dataset !== 'Items' || clause.onlyIf);
  if (perUser) return ItemSet.fromFlags(eligibilityFlags(ctx, group, resolved, request, itemIds));
  let kept = group.derived.get('verdicts') as WeakMap<readonly string[], Map<string, ItemSet>> | undefined;
  if (!kept) group.derived.set('verdicts', (kept = new WeakMap()));
  let byKey = kept.get(itemIds);
  if (!byKey) kept.set(itemIds, (byKey = new Map()));
  const key = `${request.filter.arn}\u0000${request.filter.filterExpression}\u0000${JSON.stringify(request.filterValues ?? {})}`;
  let verdict = byKey.get(key);
  if (!verdict) {
    verdict = ItemSet.fromFlags(eligibilityFlags(ctx, group, resolved, request, itemIds));
    if (byKey.size >= MAX_KEPT_VERDICTS) byKey.clear();
    byKey.set(key, verdict);
  }
  return verdict;
}

/** The verdict as one flag per item: 1 = may be recommended. */
function eligibilityFlags(
  ctx: FilterSources,
  group: GroupData,
  resolved: ResolvedFilter,
  request: FilterRequest,
  itemIds: readonly string[],
): Uint8Array {
  const eligible = new Uint8Array(itemIds.length).fill(1);
  resolved.clauses.forEach((clause, index) => {
    const where = bindGroups(clause.where, clause.action, request.filterValues);
    if (where.length === 0) return;
    if (clause.onlyIf) {
      const onlyIf = bindGroups(clause.onlyIf, 'INCLUDE', request.filterValues);
      if (!userMatches(group.userTable(), request.userId, onlyIf)) return;
    }
    const clauseKey = `${request.filter.arn}\u0000${index}`;
    const matches =
      clause.dataset === 'Items'
        ? cachedItemMatches(group, clauseKey, itemIds, where)
        : cachedInteractionMatches(ctx, group, clauseKey, request, itemIds, where);
    const keep = clause.action === 'INCLUDE' ? 1 : 0;
    for (let i = 0; i < itemIds.length; i++) if (matches[i] !== keep) eligible[i] = 0;
  });
  return eligible;
}

function resolvedFilter(group: GroupData, filter: FilterRecord): ResolvedFilter {
  const key = `filter\u0000${filter.arn}\u0000${filter.filterExpression}`;
  let resolved = group.derived.get(key) as ResolvedFilter | undefined;
  if (!resolved) {
    resolved = resolveFilter(
      parseFilterExpression(filter.filterExpression),
      group.datasets,
      SERVICE_QUOTAS.filterFields,
    );
    group.derived.set(key, resolved);
  }
  return resolved;
}

function bindGroups(
  groups: ResolvedGroups,
  action: 'INCLUDE' | 'EXCLUDE',
  filterValues: FilterRequest['filterValues'],
): BoundGroups {
  const bound: BoundCondition[][] = [];
  for (const group of groups) {
    const conditions: BoundCondition[] = [];
    for (const condition of group) {
      if (condition.operand.kind === 'values') {
        conditions.push({ ...condition, values: condition.operand.values });
        continue;
      }
      const name = condition.operand.name;
      const raw = filterValues?.[name];
      if (raw === undefined) {
        if (action === 'INCLUDE') {
          throw new InvalidInputException(
            `The filter's INCLUDE expression uses $${name}: give it a value in filterValues (e.g. {"${name}": "\\"value\\""}).`,
          );
        }
        continue;
      }
      conditions.push({ ...condition, values: parseFilterValues(name, raw, condition.numeric) });
    }
    if (conditions.length > 0) bound.push(conditions);
  }
  return bound;
}

/**
 * Parses one `filterValues` entry: comma-separated values, strings in double quotes (`"\"a\",\"b\""`),
 * numbers bare.
 */
export function parseFilterValues(name: string, raw: string, numeric: boolean): FilterValue[] {
  const values: FilterValue[] = [];
  const pattern = /\s*(?:"((?:[^"\\]|\\.)*)"|([^,]*?))\s*(,|$)/gy;
  let match: RegExpExecArray | null;
  while (pattern.lastIndex < raw.length && (match = pattern.exec(raw)) !== null) {
    const quoted = match[1];
    const bare = match[2] ?? '';
    if (quoted !== undefined) {
      const text = quoted.replace(/\\(.)/g, '$1');
      values.push(numeric ? Number(text) : text);
    } else if (numeric && bare !== '' && Number.isFinite(Number(bare))) values.push(Number(bare));
    else {
      throw new InvalidInputException(
        `filterValues.${name} is '${raw}': ${numeric ? 'give numbers' : 'quote each string value, e.g. "\\"Comedy\\",\\"Drama\\""'}, separated by commas.`,
      );
    }
    if (match[3] === '') break;
  }
  if (values.length === 0 || values.some((v) => typeof v === 'number' && !Number.isFinite(v))) {
    throw new InvalidInputException(`filterValues.${name} is '${raw}': give at least one valid value.`);
  }
  return values;
}

/** Whether one record's value satisfies a condition; a missing value satisfies only NOT IN. */
function valueMatches(condition: BoundCondition, value: FilterValue | readonly string[] | null): boolean {
  if (value === null) return condition.operator === 'NOT IN';
  const { values } = condition;
  switch (condition.operator) {
    case 'IN':
    case '=':
      return Array.isArray(value)
        ? value.some((v) => values.includes(v))
        : values.includes(value as FilterValue);
    case 'NOT IN':
      return Array.isArray(value)
        ? !value.some((v) => values.includes(v))
        : !values.includes(value as FilterValue);
    case '<':
      return (value as number) < (values[0] as number);
    case '<=':
      return (value as number) <= (values[0] as number);
    case '>':
      return (value as number) > (values[0] as number);
    case '>=':
      return (value as number) >= (values[0] as number);
  }
}

/** Per-row match of one condition, computed once per distinct string (categories split on `|`). */
function conditionRows(
  condition: BoundCondition,
  column: AttributeColumn | undefined,
  rows: number,
): Uint8Array {
  const out = new Uint8Array(rows);
  if (!column) {
    out.fill(valueMatches(condition, null) ? 1 : 0);
    return out;
  }
  if (column.kind === 'number') {
    for (let row = 0; row < rows; row++) {
      const v = column.values[row]!;
      out[row] = valueMatches(condition, Number.isNaN(v) ? null : v) ? 1 : 0;
    }
    return out;
  }
  const split = condition.field !== 'ITEM_ID' && condition.field !== 'USER_ID';
  const byCode = column.dictionary.map((text) =>
    valueMatches(condition, split ? text.split('|') : text) ? 1 : 0,
  );
  const whenNull = valueMatches(condition, null) ? 1 : 0;
  for (let row = 0; row < rows; row++) {
    const code = column.codes[row]!;
    out[row] = code < 0 ? whenNull : byCode[code]!;
  }
  return out;
}

function tableMatches(table: AttributeTable, groups: BoundGroups): Uint8Array {
  const rows = table.ids.length;
  const any = new Uint8Array(rows);
  for (const group of groups) {
    const all = new Uint8Array(rows).fill(1);
    for (const condition of group) {
      const match = conditionRows(condition, table.columns.get(condition.field), rows);
      for (let row = 0; row < rows; row++) all[row]! &= match[row]!;
    }
    for (let row = 0; row < rows; row++) any[row]! |= all[row]!;
  }
  return any;
}

/** Items clauses depend on the bound values only, not on the user: kept per snapshot, a bounded number. */
const MAX_KEPT_ITEM_MATCHES = 256;

function cachedItemMatches(
  group: GroupData,
  clauseKey: string,
  itemIds: readonly string[],
  groups: BoundGroups,
): Uint8Array {
  let kept = group.derived.get('itemMatches') as
    WeakMap<readonly string[], Map<string, Uint8Array>> | undefined;
  if (!kept) group.derived.set('itemMatches', (kept = new WeakMap()));
  let byKey = kept.get(itemIds);
  if (!byKey) kept.set(itemIds, (byKey = new Map()));
  const key = `${clauseKey}\u0000${JSON.stringify(groups.map((g) => g.map((c) => [c.position, c.values])))}`;
  let matches = byKey.get(key);
  if (!matches) {
    if (byKey.size >= MAX_KEPT_ITEM_MATCHES) byKey.clear();
    matches = itemMatches(group, itemIds, groups);
    byKey.set(key, matches);
  }
  return matches;
}

function itemMatches(group: GroupData, itemIds: readonly string[], groups: BoundGroups): Uint8Array {
  const table = group.itemTable();
  let rows = group.itemRows.get(itemIds);
  if (!rows) {
    rows = Int32Array.from(itemIds, (id) => table.rowOf.get(id) ?? -1);
    group.itemRows.set(itemIds, rows);
  }
  const byRow = tableMatches(table, groups);
  // An item with no metadata record has every field missing.
  const missing = groups.some((g) => g.every((c) => valueMatches(c, null))) ? 1 : 0;
  return Uint8Array.from(rows, (row) => (row < 0 ? missing : byRow[row]!));
}

function userMatches(users: AttributeTable, userId: string | undefined, groups: BoundGroups): boolean {
  const row = userId === undefined ? undefined : users.rowOf.get(userId);
  if (row === undefined) return groups.some((g) => g.every((c) => valueMatches(c, null)));
  return groups.some((g) =>
    g.every((condition) => {
      const column = users.columns.get(condition.field);
      if (!column) return valueMatches(condition, null);
      if (column.kind === 'number') {
        const v = column.values[row]!;
        return valueMatches(condition, Number.isNaN(v) ? null : v);
      }
      const code = column.codes[row]!;
      return valueMatches(condition, code < 0 ? null : column.dictionary[code]!.split('|'));
    }),
  );
}

/** A user's interactions as filters count them: bulk and recorded, the newest per event type. */
export function filterInteractionsOf(
  ctx: FilterSources,
  group: GroupData,
  userId: string,
): FilterInteraction[] {
  const perType = SERVICE_QUOTAS.filterInteractionsPerEventType;
  const dataset = group.datasets.get('INTERACTIONS');
  const recorded = dataset ? recentEventsOfUser(ctx.db, dataset.arn, userId, perType * 10) : [];
  const all: FilterInteraction[] = [...group.bulkInteractionsOf(userId, perType)];
  for (const event of recorded) {
    if (event.itemId !== null)
      all.push({
        itemId: event.itemId,
        eventType: event.eventType.toLowerCase(),
        timestamp: event.timestamp,
      });
  }
  return newestPerType(all, perType);
}

/** Users whose interactions-clause matches are kept per snapshot (each a short list of item indices). */
const MAX_KEPT_INTERACTION_MATCHES = 16_384;

/** Each model item list's ids by index, so matched ids become indices without a pass over the catalogue. */
const indexByItemIds = new WeakMap<readonly string[], Map<string, number>>();

/**
 * An interactions clause for one user: the model indices of the items it matches, kept per data
 * snapshot, user and bound values, and keyed by the number of PutEvents calls recorded for the user,
 * so a new event (or import, which starts a new snapshot) is never answered from an older entry. A
 * repeated user then costs a lookup and one pass to lay the indices into a mask, instead of reading
 * and matching their events again.
 */
function cachedInteractionMatches(
  ctx: FilterSources,
  group: GroupData,
  clauseKey: string,
  request: FilterRequest,
  itemIds: readonly string[],
  groups: BoundGroups,
): Uint8Array {
  const out = new Uint8Array(itemIds.length);
  if (request.userId === undefined) return out;
  let kept = group.derived.get('interactionMatches') as
    WeakMap<readonly string[], Map<string, Int32Array>> | undefined;
  if (!kept) group.derived.set('interactionMatches', (kept = new WeakMap()));
  let byKey = kept.get(itemIds);
  if (!byKey) kept.set(itemIds, (byKey = new Map()));
  const version = ctx.groupData.userEventsVersion(request.filter.datasetGroupArn, request.userId);
  const key = `${clauseKey}\u0000${request.userId}\u0000${version}\u0000${JSON.stringify(groups.map((g) => g.map((c) => [c.position, c.values])))}`;
  let matched = byKey.get(key);
  if (!matched) {
    if (byKey.size >= MAX_KEPT_INTERACTION_MATCHES) byKey.delete(byKey.keys().next().value!);
    matched = interactionMatches(ctx, group, request.userId, itemIds, groups);
    byKey.set(key, matched);
  }
  for (const item of matched) out[item] = 1;
  return out;
}

function interactionMatches(
  ctx: FilterSources,
  group: GroupData,
  userId: string,
  itemIds: readonly string[],
  groups: BoundGroups,
): Int32Array {
  const matched = new Set<string>();
  const lowered = groups.map((g) =>
    g.map((c) => ({ ...c, values: c.values.map((v) => String(v).toLowerCase()) })),
  );
  for (const interaction of filterInteractionsOf(ctx, group, userId)) {
    const hit = lowered.some((g) =>
      g.every(
        (c) => (c.values.includes('*') && c.operator === 'IN') || valueMatches(c, interaction.eventType),
      ),
    );
    if (hit) matched.add(interaction.itemId);
  }
  let indexOf = indexByItemIds.get(itemIds);
  if (!indexOf) indexByItemIds.set(itemIds, (indexOf = new Map(itemIds.map((id, i) => [id, i]))));
  const indices: number[] = [];
  for (const itemId of matched) {
    const index = indexOf.get(itemId);
    if (index !== undefined) indices.push(index);
  }
  return Int32Array.from(indices);
}
