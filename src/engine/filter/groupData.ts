import { readDatasetTable } from '../data/datasetTable.js';
import {
  bulkDataGeneration,
  bulkDataStamp,
  groupDatasets,
  type GroupDataset,
} from '../store/datasetGroupContents.js';
import type { EngineDatabase } from '../store/database.js';
import { listRecords, usersWithRecordedEvents } from '../store/recordedDataRecords.js';
import { buildAttributeTable, type AttributeTable } from './attributeTable.js';

const NUMERIC = new Set(['int', 'long', 'float', 'double']);

/** A user's interaction as filters see it: the item and the event type in lower case. */
export interface FilterInteraction {
  readonly itemId: string;
  readonly eventType: string;
  readonly timestamp: number;
}

/**
 * What filters read from one dataset group, built lazily from its data and rebuilt when an import
 * commits or records are put. Interactions recorded through PutEvents are not held here: they are read
 * per request, so a user's new events count at once without rebuilding anything.
 */
export class GroupData {
  private items: AttributeTable | undefined;
  private users: AttributeTable | undefined;
  private interactions: Map<string, FilterInteraction[]> | undefined;
  /** Per model item list (by identity): each model item's row in `itemTable()`, or -1. */
  readonly itemRows = new WeakMap<readonly string[], Int32Array>();
  /** Anything derived from this snapshot (resolved filters, ...) may be cached here by its owner. */
  readonly derived = new Map<string, unknown>();

  constructor(
    private readonly db: EngineDatabase,
    readonly datasets: ReadonlyMap<string, GroupDataset>,
    readonly stamp: string,
  ) {}

  itemTable(): AttributeTable {
    this.items ??= this.attributeTable('ITEMS', 'ITEM_ID');
    return this.items;
  }

  userTable(): AttributeTable {
    this.users ??= this.attributeTable('USERS', 'USER_ID');
    return this.users;
  }

  /** The bulk interactions of a user, newest first, at most `perType` of each event type. */
  bulkInteractionsOf(userId: string, perType: number): readonly FilterInteraction[] {
    this.interactions ??= this.indexInteractions(perType);
    return this.interactions.get(userId) ?? [];
  }

  private attributeTable(type: string, idField: string): AttributeTable {
    const dataset = this.datasets.get(type);
    if (!dataset) return { ids: [], rowOf: new Map(), columns: new Map() };
    const fields = dataset.fields
      .filter((f) => f.name !== idField)
      .map((f) => ({ name: f.name, numeric: NUMERIC.has(f.type) }));
    fields.push({ name: idField, numeric: false });
    return buildAttributeTable(
      readDatasetTable(this.db, dataset.arn),
      idField,
      listRecords(this.db, dataset.arn),
      fields,
    );
  }

  private indexInteractions(perType: number): Map<string, FilterInteraction[]> {
    const byUser = new Map<string, FilterInteraction[]>();
    const dataset = this.datasets.get('INTERACTIONS');
    const table = dataset && readDatasetTable(this.db, dataset.arn);
    const users = table?.columns['USER_ID'];
    const items = table?.columns['ITEM_ID'];
    const types = table?.columns['EVENT_TYPE'];
    const times = table?.columns['TIMESTAMP'];
    if (!table || users?.kind !== 'string' || items?.kind !== 'string') return byUser;
    for (let row = 0; row < table.rowCount; row++) {
      const user = users.codes[row]!;
      const item = items.codes[row]!;
      if (user < 0 || item < 0) continue;
      const typeCode = types?.kind === 'string' ? types.codes[row]! : -1;
      const eventType =
        typeCode >= 0 && types?.kind === 'string' ? types.dictionary[typeCode]!.toLowerCase() : '';
      const timestamp = times?.kind === 'number' ? times.values[row]! : row;
      const userId = users.dictionary[user]!;
      let list = byUser.get(userId);
      if (!list) byUser.set(userId, (list = []));
      list.push({ itemId: items.dictionary[item]!, eventType, timestamp });
    }
    for (const [userId, list] of byUser) byUser.set(userId, newestPerType(list, perType));
    return byUser;
  }
}

/** Keeps the newest `perType` interactions of each event type, newest first (the service's filter window). */
export function newestPerType(list: readonly FilterInteraction[], perType: number): FilterInteraction[] {
  const sorted = [...list].sort((a, b) => b.timestamp - a.timestamp);
  const counts = new Map<string, number>();
  return sorted.filter((event) => {
    const n = counts.get(event.eventType) ?? 0;
    counts.set(event.eventType, n + 1);
    return n < perType;
  });
}

/**
 * Every dataset group's `GroupData`, checked against the data's stamp (one small query) whenever it
 * may have changed, so that an import's commit, even from a worker thread, is seen by the next
 * request; see `bulkDataGeneration` for how "may have changed" is known without the query.
 */
export class GroupDataRegistry {
  private readonly groups = new Map<string, GroupData>();
  private readonly recordedGeneration = new Map<string, number>();
  /** Per group, the bulk data generation and recorded-records count its stamp was last read at. */
  private readonly checked = new Map<string, { generation: number; recorded: number }>();
  private readonly userEvents = new Map<string, number>();
  /** Per group, the users with recorded events: loaded once, then kept by `userEventsRecorded`. */
  private readonly usersWithEvents = new Map<string, Set<string>>();

  constructor(private readonly db: EngineDatabase) {}

  get(datasetGroupArn: string): GroupData {
    const recorded = this.recordedGeneration.get(datasetGroupArn) ?? 0;
    const generation = bulkDataGeneration(this.db);
    let data = this.groups.get(datasetGroupArn);
    const seen = this.checked.get(datasetGroupArn);
    // Nothing that changes the bulk data stamp happened since it was last read: no query.
    if (data && generation !== undefined && seen?.generation === generation && seen.recorded === recorded)
      return data;
    const stamp = `${bulkDataStamp(this.db, datasetGroupArn)}#${recorded}`;
    if (data?.stamp !== stamp) {
      data = new GroupData(this.db, groupDatasets(this.db, datasetGroupArn), stamp);
      this.groups.set(datasetGroupArn, data);
    }
    if (generation !== undefined) this.checked.set(datasetGroupArn, { generation, recorded });
    return data;
  }

  /** PutItems/PutUsers changed a group's records: the next `get` rebuilds. */
  recordsChanged(datasetGroupArn: string): void {
    this.recordedGeneration.set(datasetGroupArn, (this.recordedGeneration.get(datasetGroupArn) ?? 0) + 1);
  }

  /** PutEvents recorded events of a user; answers computed before must not be reused for them. */
  userEventsRecorded(datasetGroupArn: string, userId: string): void {
    const key = `${datasetGroupArn}\u0000${userId}`;
    this.userEvents.set(key, (this.userEvents.get(key) ?? 0) + 1);
    this.usersWithEvents.get(datasetGroupArn)?.add(userId);
  }

  /**
   * False when no event of the user was ever recorded in the group, so a request need not look for
   * any (most requests: the query would cost more than scoring). True may be stale after a dataset
   * was deleted with its events; the events query then finds none.
   */
  mayHaveRecordedEvents(datasetGroupArn: string, userId: string): boolean {
    let users = this.usersWithEvents.get(datasetGroupArn);
    if (!users) {
      users = new Set(usersWithRecordedEvents(this.db, datasetGroupArn));
      this.usersWithEvents.set(datasetGroupArn, users);
    }
    return users.has(userId);
  }

  /** How many PutEvents calls this process recorded for the user: part of a cached answer's key. */
  userEventsVersion(datasetGroupArn: string, userId: string): number {
    return this.userEvents.get(`${datasetGroupArn}\u0000${userId}`) ?? 0;
  }
}
