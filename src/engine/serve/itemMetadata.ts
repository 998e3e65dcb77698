import { InvalidInputException } from '../api/errors.js';
import type { AttributeTable } from '../filter/attributeTable.js';
import type { GroupData } from '../filter/groupData.js';

/** The service returns at most this many metadata columns per request. */
export const MAX_METADATA_COLUMNS = 10;

/** The Items columns a request asks for: the request's spelling and the schema field each names. */
export interface MetadataColumns {
  readonly requested: readonly string[];
  readonly fields: readonly string[];
}

/**
 * Checks a runtime request's `metadataColumns` (`{"ITEMS": [column, …]}`) against the campaign and
 * the group's Items schema, as the service does: the campaign must have
 * `enableMetadataWithRecommendations`, the only key is `ITEMS`, at most 10 columns, each a field of
 * the Items schema (in any case). Returns undefined when nothing is asked.
 */
export function requestedMetadataColumns(
  metadataColumns: Readonly<Record<string, readonly string[]>> | undefined,
  metadataEnabled: boolean,
  group: GroupData | undefined,
): MetadataColumns | undefined {
  if (metadataColumns === undefined) return undefined;
  if (!metadataEnabled) {
    throw new InvalidInputException(
      'metadataColumns needs a campaign with campaignConfig.enableMetadataWithRecommendations set to true; ' +
        'update the campaign with it, or call without metadataColumns.',
    );
  }
  const keys = Object.keys(metadataColumns);
  const wrongKey = keys.find((key) => key !== 'ITEMS');
  if (wrongKey !== undefined) {
    throw new InvalidInputException(
      `metadataColumns has the key '${wrongKey.slice(0, 64)}': the only key is ITEMS, e.g. {"ITEMS": ["GENRE"]}.`,
    );
  }
  const requested = metadataColumns['ITEMS'] ?? [];
  if (requested.length === 0) return undefined;
  if (requested.length > MAX_METADATA_COLUMNS) {
    throw new InvalidInputException(
      `metadataColumns.ITEMS names ${requested.length} columns; at most ${MAX_METADATA_COLUMNS} are allowed.`,
    );
  }
  const items = group?.datasets.get('ITEMS');
  if (!items) {
    throw new InvalidInputException(
      "metadataColumns names Items columns, but the campaign's dataset group has no Items dataset.",
    );
  }
  const byName = new Map(items.fields.map((field) => [field.name.toUpperCase(), field.name]));
  const fields = requested.map((column) => {
    const field = byName.get(column.toUpperCase());
    if (field === undefined) {
      throw new InvalidInputException(
        `metadataColumns.ITEMS names '${column.slice(0, 64)}', which is not a field of the Items schema; ` +
          `its fields are ${[...byName.values()].join(', ')}.`,
      );
    }
    return field;
  });
  return { requested, fields };
}

/**
 * One item's `metadata` as the service sends it: a string per requested column, under the name the
 * request used; a column the item has no value for is left out.
 */
export function itemMetadata(
  table: AttributeTable,
  columns: MetadataColumns,
  itemId: string,
): Record<string, string> {
  const metadata: Record<string, string> = {};
  const row = table.rowOf.get(itemId);
  if (row === undefined) return metadata;
  columns.fields.forEach((field, at) => {
    const column = table.columns.get(field);
    if (!column) return;
    if (column.kind === 'number') {
      const value = column.values[row]!;
      if (!Number.isNaN(value)) metadata[columns.requested[at]!] = String(value);
      return;
    }
    const code = column.codes[row]!;
    if (code >= 0) metadata[columns.requested[at]!] = column.dictionary[code]!;
  });
  return metadata;
}

/** Adds `metadata` to each entry of an answer's item list (JSON text in, JSON text out). */
export function withItemMetadata(
  itemListJson: string,
  table: AttributeTable,
  columns: MetadataColumns,
): string {
  const items = JSON.parse(itemListJson) as { itemId: string }[];
  return JSON.stringify(
    items.map((item) => ({ ...item, metadata: itemMetadata(table, columns, item.itemId) })),
  );
}
