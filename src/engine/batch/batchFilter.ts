import { ServiceError } from '../api/errors.js';
import { GroupDataRegistry } from '../filter/groupData.js';
import { eligibleItems, type FilterSources } from '../filter/itemEligibility.js';
import { openDatabase } from '../store/database.js';
import type { FilterRecord } from '../store/filterRecords.js';
import type { ItemSet } from '../train/itemSet.js';
import type { TrainedModel } from '../train/model.js';

/** A batch job's filter as the worker thread receives it: plain data, posted with the job. */
export interface BatchFilterRequest {
  readonly filter: FilterRecord;
  /** The engine's SQLite file: the worker reads the group's items, users and interactions from it. */
  readonly databasePath: string;
}

/** Why one input line's filter could not be applied (a bad `filterValues`, a missing INCLUDE value). */
export class LineFilterProblem extends Error {}

/**
 * Applies a batch job's filter line by line, as GetRecommendations applies it to one request: each
 * line's own `filterValues` (the service's batch input format) and `userId`. Owns its own database
 * connection, closed by `close()`.
 */
export class BatchLineFilter {
  private readonly sources: FilterSources;

  private constructor(
    private readonly request: BatchFilterRequest,
    private readonly model: TrainedModel,
  ) {
    const db = openDatabase(request.databasePath);
    this.sources = { db, groupData: new GroupDataRegistry(db) };
  }

  static open(request: BatchFilterRequest | undefined, model: TrainedModel): BatchLineFilter | undefined {
    return request ? new BatchLineFilter(request, model) : undefined;
  }

  /** The model items the line may be answered with (shared between lines: not to be changed). */
  eligibleFor(input: Readonly<Record<string, unknown>>): ItemSet {
    const filterValues = lineFilterValues(input['filterValues']);
    const userId = typeof input['userId'] === 'string' ? input['userId'] : undefined;
    try {
      return eligibleItems(
        this.sources,
        { filter: this.request.filter, filterValues, userId },
        this.model.itemIds,
      );
    } catch (error) {
      if (error instanceof ServiceError) throw new LineFilterProblem(error.message);
      throw error;
    }
  }

  close(): void {
    this.sources.db.close();
  }
}

function lineFilterValues(value: unknown): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (
    typeof value !== 'object' ||
    value === null ||
    Array.isArray(value) ||
    !Object.values(value).every((v) => typeof v === 'string')
  ) {
    throw new LineFilterProblem('filterValues must be an object of strings, e.g. {"GENRE": "\\"Comedy\\""}');
  }
  return value as Record<string, string>;
}
